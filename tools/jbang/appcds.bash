# Sourced by bin/jbang and bin/lab-run, not run by itself: the AppCDS steps, written once.
#
# run_with_class_archive ARCHIVE JAVA [JVM options, main class and arguments ...]
#   Starts JAVA (exec: this process becomes the JVM, so a signal sent to it reaches the JVM, which
#   says what it did) with the class archive ARCHIVE when it exists. Otherwise the JVM records the
#   classes it loads into ARCHIVE.<its pid> at exit, and a later run moves that into place once that
#   JVM is gone. The check matters: a SharedArchiveFile that does not exist silently turns class
#   sharing off. JVM logging goes to stderr, so a warning about the archive is never mistaken for the
#   program's output.
run_with_class_archive() {
  local archive=$1 java=$2 recorded
  shift 2
  local quiet=(-Xlog:disable -Xlog:all=error:stderr)
  for recorded in "$archive".*; do
    if [ -e "$recorded" ] && ! kill -0 "${recorded##*.}" 2>/dev/null; then # its JVM has ended
      if [ -s "$recorded" ] && [ ! -s "$archive" ]; then mv "$recorded" "$archive"; else rm -f "$recorded"; fi
    fi
  done
  if [ -s "$archive" ]; then
    exec "$java" "${quiet[@]}" -XX:SharedArchiveFile="$archive" "$@"
  fi
  exec "$java" "${quiet[@]}" -XX:ArchiveClassesAtExit="$archive.$BASHPID" "$@"
}
