# Sourced by bin/jbang and bin/lab-run, not run by itself: the AppCDS steps, written once.
#
# run_with_class_archive ARCHIVE JAVA [JVM options, main class and arguments ...]
#   Starts JAVA with the class archive ARCHIVE when it exists (exec: this process becomes the JVM).
#   Otherwise runs it once recording the classes it loads into a new archive at exit, moves that
#   into place for the runs after it, and returns the JVM's exit status. The check matters: a
#   SharedArchiveFile that does not exist silently turns class sharing off. JVM logging goes to
#   stderr, so a warning about the archive is never mistaken for the program's output.
run_with_class_archive() {
  local archive=$1 java=$2 status=0
  shift 2
  local quiet=(-Xlog:disable -Xlog:all=error:stderr)
  if [ -s "$archive" ]; then
    exec "$java" "${quiet[@]}" -XX:SharedArchiveFile="$archive" "$@"
  fi
  "$java" "${quiet[@]}" -XX:ArchiveClassesAtExit="$archive.$$" "$@" || status=$?
  if [ -s "$archive.$$" ]; then mv "$archive.$$" "$archive"; else rm -f "$archive.$$"; fi
  return "$status"
}
