# Sourced by bin/jbang and bin/lab-run after shown.bash and early-signal.bash, not run by itself: which
# java they may start, and the one line when there is none.
#
# passed_over_java_home NEEDED WHAT
#   A set JAVA_HOME without NEEDED (bin/javac for JBang, which compiles; bin/java for lab-run, which
#   only runs) is passed over for the java on PATH: java_home_lacks then says why (WHAT it lacks, the
#   folder as shown.bash shows it, through the launchers' capture), else it is empty.
passed_over_java_home() {
  local home
  java_home_lacks=
  if [ -n "${JAVA_HOME:-}" ] && { [ ! -f "$JAVA_HOME/$1" ] || [ ! -x "$JAVA_HOME/$1" ]; }; then   # a folder is -x too
    capture home shown "$JAVA_HOME" || true
    java_home_lacks="JAVA_HOME=$home holds no $2"
  fi
}

# java_found_or_exit NAME FOUND
#   No java FOUND: NAME says in one line what to set (and what was wrong with JAVA_HOME), exit 1.
#   Found on PATH after JAVA_HOME was passed over: NAME says so once and goes on (not with
#   LAB_JAVA_HOME_SAID set: bin/lab-server's own questions to the script, before the run that says it,
#   and bin/jbang building for bin/lab-run, which said it).
java_found_or_exit() {
  if [ -z "$2" ]; then
    if [ -n "$java_home_lacks" ]; then
      echo "$1: no java found: $java_home_lacks and PATH has none; set JAVA_HOME to a JDK 17+, or put one on PATH" >&2
    else
      echo "$1: no java found (set JAVA_HOME, or put a JDK 17+ on PATH)" >&2
    fi
    exit 1
  fi
  [ -z "$java_home_lacks" ] || [ -n "${LAB_JAVA_HOME_SAID:-}" ] || echo "$1: $java_home_lacks; using the java on PATH" >&2
  # said once for the run: bin/jbang, which bin/lab-run starts to build, says no more of it
  [ -z "$java_home_lacks" ] || export LAB_JAVA_HOME_SAID=1
}
