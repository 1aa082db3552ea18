# Sourced by bin/jbang and bin/lab-run, not run by itself: the AppCDS steps, written once.
#
# run_with_class_archive ARCHIVE JAVA [JVM options, main class and arguments ...]
#   Starts JAVA with the class archive ARCHIVE when it exists (exec: this process becomes the JVM).
#   Otherwise runs it once recording the classes it loads into a new archive at exit, moves that
#   into place for the runs after it, and returns the JVM's exit status. The check matters: a
#   SharedArchiveFile that does not exist silently turns class sharing off. JVM logging goes to
#   stderr, so a warning about the archive is never mistaken for the program's output.
#   On Java 24 and later the archive is an AOT cache instead (ARCHIVE with .aot for .jsa): besides
#   the classes, loaded and linked, it keeps what the run that made it learnt about its methods, so
#   the JIT starts warm. It is made in two steps: the program's run records (-XX:AOTMode=record),
#   then a JVM that runs nothing creates the cache from that record. The record step writes a line
#   of its own to stdout, which would mix with the program's output: the VM's own output is off for
#   that one run (the program's output and Java's errors are not VM output). JDK 25's one-step
#   -XX:AOTCacheOutput is not used: its assembly step prints a screenful to stderr.
run_with_class_archive() {
  local archive=$1 java=$2 status=0
  shift 2
  local quiet=(-Xlog:disable -Xlog:all=error:stderr)
  if [ "$(java_feature_release "$java")" -lt 24 ]; then
    if [ -s "$archive" ]; then
      exec "$java" "${quiet[@]}" -XX:SharedArchiveFile="$archive" "$@"
    fi
    "$java" "${quiet[@]}" -XX:ArchiveClassesAtExit="$archive.$$" "$@" || status=$?
    if [ -s "$archive.$$" ]; then mv "$archive.$$" "$archive"; else rm -f "$archive.$$"; fi
    return "$status"
  fi
  archive="${archive%.jsa}.aot"
  if [ -s "$archive" ]; then
    exec "$java" "${quiet[@]}" -XX:AOTCache="$archive" "$@"
  fi
  local record="$archive.$$.record" options=()
  "$java" "${quiet[@]}" -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput -XX:AOTMode=record \
    -XX:AOTConfiguration="$record" "$@" || status=$?
  # the same JVM options and class path, without the main class and its arguments
  while [ $# -gt 0 ]; do
    case $1 in -cp|-classpath|--class-path) options+=("$1" "$2"); break ;; *) options+=("$1"); shift ;; esac
  done
  if [ -s "$record" ]; then
    "$java" "${quiet[@]}" "${options[@]}" -XX:AOTMode=create -XX:AOTConfiguration="$record" \
      -XX:AOTCache="$archive.$$" >/dev/null 2>&1 || true
  fi
  rm -f "$record"
  if [ -s "$archive.$$" ]; then mv "$archive.$$" "$archive"; else rm -f "$archive.$$"; fi
  return "$status"
}

# java_feature_release JAVA: its feature release (17, 25, ...) from the JDK's release file; 0 when unknown.
java_feature_release() {
  local path line release=0
  path=$(readlink -f "$(command -v "$1")") && path=${path%/bin/*}/release && [ -r "$path" ] || { echo 0; return 0; }
  while IFS= read -r line; do
    case $line in JAVA_VERSION=\"[0-9]*) line=${line#JAVA_VERSION=\"}; release=${line%%[!0-9]*} ;; esac
  done < "$path"
  echo "$release"
}
