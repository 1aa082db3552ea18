# Sourced by bin/jbang and bin/lab-run, not run by itself: the AppCDS steps, written once.
#
# run_with_class_archive ARCHIVE JAVA [JVM options, main class and arguments ...]
#   Starts JAVA with the class archive ARCHIVE when it exists, through the command named in
#   jvm_start: exec (this process becomes the JVM) unless the caller names another that takes JAVA
#   and its arguments and outlives the JVM (run_lab_jvm, early-signal.bash). Otherwise the JVM
#   records the classes it loads into ARCHIVE.<this process's pid> at exit, and a later run moves
#   that into place once that process is gone. The check matters: a SharedArchiveFile that does not exist silently turns class
#   sharing off. JVM logging goes to stderr, so a warning about the archive is never mistaken for the
#   program's output.
#   On Java 24 and later the archive is an AOT cache instead (ARCHIVE with .aot for .jsa): besides
#   the classes, loaded and linked, it keeps what the run that made it learnt about its methods, so
#   the JIT starts warm. It takes two steps: a run of the program records (-XX:AOTMode=record), and
#   once that JVM is gone the next run first creates the cache from the record with a JVM that runs
#   nothing, then runs with it. The record step writes a line of its own to stdout, which would mix
#   with the program's output: the VM's own output is off for that one run (the program's output and
#   Java's errors are not VM output). JDK 25's one-step -XX:AOTCacheOutput is not used: its assembly
#   step prints a screenful to stderr.
run_with_class_archive() {
  local archive=$1 java=$2 recorded
  shift 2
  local quiet=(-Xlog:disable -Xlog:all=error:stderr)
  java_feature_release "$java"
  if [ "$java_release" -ge 24 ]; then
    run_with_aot_cache "${archive%.jsa}.aot" "$java" "$@"
  fi
  drop_if_jars_changed "$archive" "$@"
  for recorded in "$archive".*; do
    if [ -e "$recorded" ] && ! kill -0 "${recorded##*.}" 2>/dev/null; then # its JVM has ended
      # another run may be doing the same at this moment: whichever moves it first, the other finds it gone;
      # the jars are looked at before the check, so a jar built again meanwhile drops it on the next run
      if [ -s "$recorded" ] && [ ! -s "$archive" ] && mark_jars "$archive" "$@" && archive_loads "$recorded" "$java" "$@"; then
        unreported mv "$recorded" "$archive" 2>/dev/null || true
      else
        unreported rm -f "$recorded"
      fi
    fi
  done
  if [ -s "$archive" ]; then
    "${jvm_start:-exec}" "$java" "${quiet[@]}" -XX:SharedArchiveFile="$archive" "$@"
  fi
  "${jvm_start:-exec}" "$java" "${quiet[@]}" -XX:ArchiveClassesAtExit="$archive.$BASHPID" "$@"
}

# run_with_aot_cache CACHE JAVA [JVM options, main class and arguments ...]: as above, on Java 24+.
run_with_aot_cache() {
  local cache=$1 java=$2 record pid options=()
  shift 2
  local quiet=(-Xlog:disable -Xlog:all=error:stderr)
  drop_if_jars_changed "$cache" "$@"
  # CACHE.<pid>.record: what a run recorded; CACHE.<pid>: a cache being created, left by a run that was stopped
  for record in "$cache".*; do
    pid=${record%.record} && pid=${pid##*.}
    if [ -e "$record" ] && ! kill -0 "$pid" 2>/dev/null; then # its JVM has ended: the record is whole
      if [[ $record == *.record ]] && [ -s "$record" ] && [ ! -s "$cache" ]; then
        jvm_options "$@"
        mark_jars "$cache" "$@" || continue
        # out of the signals' way: a JDK 25 creating a cache crashes at a SIGTERM (and writes hs_err_pid*.log
        # where the script runs); a stop ends it with SIGKILL instead, and the next run removes what it left
        side_step "$java" "${quiet[@]}" "${options[@]}" -XX:ErrorFile=/dev/null -XX:-CreateCoredumpOnCrash \
          -XX:AOTMode=create -XX:AOTConfiguration="$record" -XX:AOTCache="$cache.$BASHPID" || true
        if [ -s "$cache.$BASHPID" ]; then unreported mv "$cache.$BASHPID" "$cache"; else unreported rm -f "$cache.$BASHPID"; fi
      fi
      unreported rm -f "$record"
    fi
  done
  if [ -s "$cache" ]; then
    "${jvm_start:-exec}" "$java" "${quiet[@]}" -XX:AOTCache="$cache" "$@"
  fi
  "${jvm_start:-exec}" "$java" "${quiet[@]}" -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput -XX:AOTMode=record \
    -XX:AOTConfiguration="$cache.$BASHPID.record" "$@"
}

# archive_loads ARCHIVE JAVA [JVM options, main class ...]: whether a JVM with these options starts
# on the recorded archive with sharing required. A JVM killed while it wrote the archive can leave a
# file that passes the JVM's own checks and then crashes every run that uses it: tried once, in a
# JVM that runs nothing and writes no crash report, before the archive is moved into place.
archive_loads() {
  local archive=$1 java=$2 options=()
  shift 2
  jvm_options "$@"
  # a SIGTERM that ended it in the foreground made bash say "Terminated" before the early line
  side_step "$java" -Xshare:on -XX:SharedArchiveFile="$archive" -XX:ErrorFile=/dev/null -XX:-CreateCoredumpOnCrash \
    "${options[@]}" -version
}

# side_step COMMAND [ARGUMENT ...]: runs a JVM step of the launcher's own (an archive's check, a cache's making)
# out of the signals' way: with Ctrl-C, SIGTERM and SIGHUP ignored, ended by the launcher with SIGKILL at a
# stop (early-signal.bash), its output and bash's own words for it (a crash: "Aborted") gone. Its exit code.
side_step() {
  { early_child_signal=KILL run_early_child without_stop_signals "$@" > /dev/null 2>&1; } 2> /dev/null
}

# drop_if_jars_changed FILE [JVM options, -cp CLASS_PATH, main class and arguments ...]: removes the archive
# or cache FILE unless the class path's files have the times they had when it was put in place (mark_jars).
# The JVM checks each jar's size and time against FILE and, when one differs either way, starts without it:
# silently on Java 17, with three [error][aot] lines on Java 25, at every start. A jar built again
# (`jbang build --fresh`, a cleared JBang cache), or a ~/.m2 restored with older times, does that.
# Builtins only: this runs at every start.
drop_if_jars_changed() {
  local file=$1 entry entries=() i=0
  shift
  [ -s "$file" ] || return 0
  class_path_entries "$@"
  for entry in ${entries[@]+"${entries[@]}"}; do
    [ -f "$file-jar.$i" ] && [ ! "$entry" -nt "$file-jar.$i" ] && [ ! "$entry" -ot "$file-jar.$i" ] || break
    i=$((i + 1))
  done
  # kept: every file matched its mark, and no mark is left over
  [ "$i" -gt 0 ] && [ "$i" -eq ${#entries[@]} ] && [ ! -e "$file-jar.$i" ] || unreported rm -f -- "$file" "$file"-jar.* 2> /dev/null
}

# mark_jars FILE [JVM options, -cp CLASS_PATH, ...]: for the class path's files in their order, makes the
# files FILE-jar.0, FILE-jar.1, ... carry that file's time (to the nanosecond): what the archive or cache
# FILE about to be put in place was made with. Taken before the archive is checked, so that a jar built
# again meanwhile drops it at the next start. Runs at once may mark together: they mark the same times.
mark_jars() {
  local file=$1 entry entries=() i=0 mark
  shift
  class_path_entries "$@"
  [ ${#entries[@]} -gt 0 ] || return 1
  for entry in "${entries[@]}"; do
    unreported touch -r "$entry" "$file-jar.$i" 2> /dev/null || return 1
    i=$((i + 1))
  done
  for mark in "$file"-jar.*; do # those of a longer class path, before
    [ ! -e "$mark" ] || [[ ${mark##*.} =~ ^[0-9]+$ && ${mark##*.} -lt $i ]] || unreported rm -f -- "$mark" 2> /dev/null
  done
}

# class_path_entries [JVM options, -cp CLASS_PATH, ...]: sets `entries` (the caller's local) to the class path's files.
class_path_entries() {
  entries=()
  while [ $# -gt 0 ]; do
    case $1 in
      -cp|-classpath|--class-path) IFS=: read -r -a entries <<< "${2:-}"; return 0 ;;
    esac
    shift
  done
}

# without_stop_signals COMMAND [ARGUMENT ...]: runs COMMAND with Ctrl-C, SIGTERM and SIGHUP ignored (a JVM
# started so keeps them ignored); for a step that only its launcher may end.
without_stop_signals() {
  trap '' INT TERM HUP
  exec "$@"
}

# jvm_options [JVM options, main class and arguments ...]: sets `options` (the caller's local) to the
# JVM options and class path alone, without the main class and its arguments.
jvm_options() {
  options=()
  while [ $# -gt 0 ]; do
    case $1 in
      -cp|-classpath|--class-path) options+=("$1" "$2"); return 0 ;;
      *) options+=("$1"); shift ;;
    esac
  done
}

# java_feature_release JAVA: sets java_release to its feature release (17, 25, ...) from the JDK's
# release file, 0 when unknown. A variable, not output read back with $(...): a Ctrl-C to the whole job
# ends such a subshell, and a test of its empty output would print a line of bash's own.
java_feature_release() {
  local path line
  [ "${java_release_of:-}" != "$1" ] || return 0 # asked already, for the same java
  java_release=0
  java_release_of=$1
  capture path real_command_path "$1" && path=${path%/bin/*}/release && [ -r "$path" ] || return 0 # capture: early-signal.bash
  while IFS= read -r line; do
    case $line in JAVA_VERSION=\"[0-9]*) line=${line#JAVA_VERSION=\"}; java_release=${line%%[!0-9]*} ;; esac
  done < "$path"
}
