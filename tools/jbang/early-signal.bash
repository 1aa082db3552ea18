# Sourced by bin/jbang and bin/lab-run, not run by itself: a signal while they find, build or
# start a lab script (before the script's JVM answers signals itself) ends with the one line the
# script says when stopped that early, and the exit code a signal gives (130 Ctrl-C, 143 SIGTERM).
early_signal_line="ERROR stopped (Ctrl-C or SIGTERM) before it connected: nothing was sent or changed"

trap_early_signals() {
  trap 'echo "$early_signal_line" >&2; exit 130' INT
  trap 'echo "$early_signal_line" >&2; exit 143' TERM
}

# From here the script's JVM answers signals itself.
untrap_early_signals() {
  trap - INT TERM
}
