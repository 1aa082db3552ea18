# Sourced by bin/jbang and bin/lab-run, not run by itself: a signal while they find, build or
# start a lab script (before the script's JVM answers signals itself) ends with the one line the
# script says when stopped that early, and the exit code a signal gives (130 Ctrl-C, 143 SIGTERM).
early_signal_line="ERROR stopped (Ctrl-C or SIGTERM) before it connected: nothing was sent or changed"

# A JVM option for the script: js-pull loads a native library through JNA (StdoutPipe.java), and from
# Java 24 on the JVM warns about that on stderr unless native access is allowed. Java 17 takes it
# silently. It goes with the script's other options, so a class archive or AOT cache (appcds.bash)
# is made with it too: Java 25 refuses a cache made without it.
native_access=--enable-native-access=ALL-UNNAMED

# open_ready_pipe: opens the pipe through which the script's JVM will say that it answers signals
# (run_lab_jvm), and starts the Ctrl-C watch. bash 5.2 can miss a Ctrl-C that comes while it starts
# a child: its trap never runs, and the start would go on as if none came. The watch is a process of
# this job that only waits, with Ctrl-C at its default, so its end says that one came (ctrl_c_came,
# which capture and run_lab_jvm look at as they wait). It ends with this shell (--pdeathsig;
# stop_ctrl_c_watch at exit). A shell that dies before setpriv has set that finds no watch to kill, and
# the kernel sends nothing then: so the watch looks, once it is set, whether its parent is still this
# shell, and ends at once if not (instead of sleeping a day as an orphan).
open_ready_pipe() {
  open_pipe lab_ready
  open_pipe lab_nap # nap's: no one ever writes to it
  open_capture_file || true
  ctrl_c_watch=
  if command -v setpriv > /dev/null && command -v sleep > /dev/null; then
    (trap - INT; exec setpriv --pdeathsig KILL -- sh -c '[ "$PPID" = "$1" ] && exec sleep 86400' ctrl-c-watch "$$") \
      < /dev/null > /dev/null 2>&1 &
    ctrl_c_watch=$!
  fi
}

# No `<(...)` and no `$(...)` runs once a trap is set: bash 5.2 parses them again as it runs them, and a
# trap that runs meanwhile can fail to parse ("unexpected EOF"). A pipeline's last command runs in this
# shell instead (lastpipe), and reads what the others print, or opens the pipe that is its stdin.
shopt -s lastpipe

# open_pipe NAME: opens a pipe this shell holds both ends of (nothing to clean up after a kill -9) and
# sets NAME to its file descriptor.
open_pipe() {
  local fd
  # A Ctrl-C that ended `:` is the trap's to answer, not set -e's; bash's "Terminated" for it, when a
  # signal to the whole group ends it, goes nowhere (the trap says the one line to the stderr it saved).
  { : | exec {fd}<> /dev/stdin; } 2> /dev/null || true
  printf -v "$1" '%s' "$fd"
}

# start_stderr_relay: starts the process (early_relay) that passes on to stderr what is written to the
# file descriptor relay_out. A signal ends it first (stop_early), so nothing the commands that write
# there say as they end follows the early line. Its end of file comes when every writer has closed
# relay_out: close this shell's copy once the writers have theirs.
start_stderr_relay() {
  local pipe relay_in
  open_pipe pipe
  exec {relay_out}> "/dev/fd/$pipe" {relay_in}< "/dev/fd/$pipe" {pipe}<&-
  cat <&"$relay_in" >&2 {relay_in}<&- {relay_out}>&- &
  early_relay=$!
  disown "$early_relay" # ended by a signal, it is no job for bash to report ("Killed")
  exec {relay_in}<&-
}

# True when the Ctrl-C watch has ended.
ctrl_c_came() {
  [ -n "${ctrl_c_watch:-}" ] && process_ended "$ctrl_c_watch"
}

# process_ended PID: true when process PID is gone, or ended and not yet reaped (a zombie). Builtins
# only: /proc, without a child process.
process_ended() {
  local state=
  kill -0 "$1" 2> /dev/null || return 0
  { read -r state < "/proc/$1/stat"; } 2> /dev/null || return 0
  state=${state##*) }
  [ "${state:0:1}" = Z ]
}

stop_ctrl_c_watch() {
  if [ -n "${ctrl_c_watch:-}" ]; then
    disown "$ctrl_c_watch" 2> /dev/null || true # ended by a signal, it is no job for bash to report
    kill "$ctrl_c_watch" 2> /dev/null || true
  fi
  ctrl_c_watch=
}

# The traps until the script's JVM runs. Whatever way this shell then ends with a signal's exit code
# (its trap, or bash itself: a signal that ends a child under `set -e`, or a second signal during the
# trap), the EXIT trap says the early line, once, unless the script's JVM answered signals and said
# its own. A child the shell runs meanwhile in the background and names in early_child (JBang's, or
# bin/jbang's for bin/lab-run) gets SIGTERM and is waited for, and one named in early_relay (the
# process that passes JBang's stderr on) is ended first: what JBang says while it ends (such as "Error
# during compile" for the javac the signal ended) never follows the early line.
trap_early_signals() {
  # The early line goes to stderr as it is here: a trap can run inside a command whose stderr goes to
  # /dev/null for the moment (`{ read ...; } 2> /dev/null`), and exit from there.
  exec {early_stderr}>&2
  trap 'stop_early 130' INT
  trap 'stop_early 143' TERM
  trap 'stop_early 129' HUP
  trap say_early_line EXIT
}

stop_early() {
  trap '' INT TERM HUP
  # the trap may run where stderr is the relay (bin/lab-run's builds): ended, it would end this shell
  # by SIGPIPE at bash's next word
  [ -z "${early_stderr:-}" ] || exec 2>&"$early_stderr"
  end_early_relay
  if [ -n "${early_child:-}" ]; then
    disown "$early_child" 2> /dev/null || true # ended by a signal, it is no job for bash to report ("Killed")
    # TERM: JBang's JVM removes its temp files as it ends; early_child_signal for a child that ignores it
    kill -s "${early_child_signal:-TERM}" "$early_child" 2> /dev/null || true
    await_end "$early_child" 50
  fi
  exit "$1" # the EXIT trap says the early line
}

say_early_line() {
  local status=$?
  trap '' INT TERM HUP # a second Ctrl-C would run the trap again, which exits before the line is said
  case $status in
    # a JVM this shell ended before it answered said nothing, even if it told the pipe it answers just then
    129 | 130 | 143) { [ -z "${lab_jvm_ended_early:-}" ] && lab_jvm_answers; } || echo "$early_signal_line" >&"$early_stderr" ;;
  esac
  stop_ctrl_c_watch
  [ "$status" -eq 0 ] || remove_temp_files
}

# real_command_path NAME: prints the real path (links resolved) of the command NAME as PATH finds it.
real_command_path() {
  local path
  path=$(command -v "$1") && readlink -f "$path"
}

# run_early_child COMMAND [ARGUMENT ...]: runs COMMAND to its end as the child stop_early ends, and
# returns its exit code. (Its stdin is /dev/null unless redirected, as for any command run with &.)
run_early_child() {
  local status=0
  "$@" &
  early_child=$!
  wait "$early_child" || status=$?
  early_child=
  return "$status"
}

# Ends the relay of JBang's stderr (early_relay, bin/jbang) and waits until it is gone.
end_early_relay() {
  if [ -n "${early_relay:-}" ]; then
    disown "$early_relay" 2> /dev/null || true # this may run before start_stderr_relay disowned it
    kill -s KILL "$early_relay" 2> /dev/null || true
    await_end "$early_relay" 50
  fi
}

# await_end PID TENTHS: returns once process PID has ended (gone, or a zombie not yet reaped), or after
# about TENTHS tenths of a second. Builtins only, so it can run in a trap: a `wait` there, in a trap
# that cut another `wait` short, can return -1 in bash 5.2.
await_end() {
  local left=$2
  while [ "$left" -gt 0 ] && ! process_ended "$1"; do
    nap 0.1
    left=$((left - 1))
  done
}

# nap SECONDS: pauses without a child process (read -t on a pipe no one writes to).
nap() {
  [ -n "${lab_nap:-}" ] || open_pipe lab_nap
  read -r -t "$1" -u "$lab_nap" || true
}

# unreported COMMAND [ARGUMENT ...]: runs COMMAND (a short step: rm, mv) with this shell's own stderr
# gone meanwhile, so bash prints no "Terminated" for it when a signal to the whole group ends it: the
# trap says the one line, to the stderr it saved (early_stderr). COMMAND's own stderr is the shell's.
unreported() {
  local err status=0
  exec {err}>&2
  { "$@" 2>&"$err" {err}>&-; } 2> /dev/null || status=$?
  exec {err}>&-
  return "$status"
}

# open_capture_file: the file capture's commands write into, opened and at once removed (a kill -9
# leaves nothing behind, unless it comes in the few ms between the two). Made by bash itself, no
# mktemp: a signal that ends this shell between making and removing it finds the name in
# lab_capture_path (remove_capture_file). noclobber creates it new (O_EXCL): no one else's file or
# link is followed.
open_capture_file() {
  local path tries=0
  set -C
  while [ "$tries" -lt 10 ]; do
    path="${TMPDIR:-/tmp}/lab-capture.$$.$RANDOM$RANDOM"
    lab_capture_trying=$path # a signal as soon as it is made, before the next line: remove_temp_files
    if { exec {lab_capture}> "$path"; } 2> /dev/null; then
      lab_capture_path=$path
      lab_capture_trying=
      set +C
      unreported rm -f -- "$path"
      lab_capture_path=
      return 0
    fi
    tries=$((tries + 1))
  done
  set +C
  return 1
}

# remove_on_signal FILE: a file the start writes and then moves or removes itself; a signal that ends
# this shell in between removes it (remove_temp_files, from the EXIT trap). Names given before the file
# is made: rm -f of one not made yet does nothing.
early_temp_files=()
remove_on_signal() {
  early_temp_files+=("$1")
}

remove_temp_files() {
  [ -z "${lab_capture_path:-}" ] || unreported rm -f -- "$lab_capture_path"
  # made (its descriptor is open) but not yet named in lab_capture_path; never one this shell did not make
  [ -z "${lab_capture_trying:-}" ] || [ -z "${lab_capture:-}" ] || unreported rm -f -- "$lab_capture_trying"
  [ ${#early_temp_files[@]} -eq 0 ] || unreported rm -f -- "${early_temp_files[@]}"
}

# capture NAME COMMAND [ARGUMENT ...]: sets NAME to what COMMAND prints (less its last newlines) and
# returns COMMAND's exit code, as NAME=$(COMMAND) would. Bash 5.2 makes each way it has of doing that
# fail under signals, so COMMAND runs beside this shell, which waits with builtins:
# - a $(...) waits for its child, and bash drops a SIGINT sent to this shell alone (kill -INT) that
#   comes meanwhile (it takes the child to have handled it): the start would go on;
# - `wait` can turn into a wait for any child (the Ctrl-C watch: for ever);
# - a `$(...)` or `<(...)` is parsed again as it runs, and a trap that runs meanwhile fails to parse
#   ("unexpected EOF");
# - a Ctrl-C that comes as bash starts COMMAND can be missed by this shell and end COMMAND before it
#   wrote its exit code, so reading until that code could wait for ever; and `read -t` on a pipe can
#   lose the byte it was reading when its time ran out.
# So COMMAND writes its output and then its exit code into a file (open_capture_file), and this shell
# looks every few milliseconds whether COMMAND has ended (or the Ctrl-C watch has), then reads the file.
# Only where there is no such file is COMMAND's output read through a pipe (which has the first flaw).
capture() {
  local captured= status=0
  [ -n "${lab_capture_plain:-}" ] || [ -n "${lab_capture:-}" ] || open_capture_file || lab_capture_plain=1
  if [ -n "${lab_capture_plain:-}" ]; then
    # no temp file to write in: through a pipe, read in this shell (lastpipe) to its end
    "${@:2}" | { IFS= read -r -d '' captured || true; } || status=$?
  else
    { "${@:2}"; printf '\001%d\n' "$?" 2> /dev/null; } > "/dev/fd/$lab_capture" &
    local writer=$! pause=0.002
    until process_ended "$writer"; do
      ! ctrl_c_came || stop_early 130
      nap "$pause"
      pause=0.01
    done
    IFS= read -r -d '' captured < "/dev/fd/$lab_capture" || true
    status=${captured##*$'\001'}
    status=${status%$'\n'}
    if [[ $captured != *$'\001'* || ! $status =~ ^[0-9]+$ ]]; then
      # it ended without its exit code: the temp folder's disk is full (or the command was killed), so it
      # runs again through a pipe (the commands given here only read), and so does every later one
      lab_capture_plain=1
      capture "$@"
      return
    fi
    captured=${captured%$'\001'*}
  fi
  while [[ "$captured" == *$'\n' ]]; do captured=${captured%$'\n'}; done
  printf -v "$1" '%s' "$captured"
  return "$status"
}

# run_lab_jvm JAVA [JVM options, main class and arguments ...]: runs the script's JVM to its end and
# exits with its exit code.
#   A JVM cannot answer a signal the way the script does until the script's first code has run
#   (StopSignal.java): a signal before that would end it silently. So the JVM runs as this shell's
#   child, not in its place, and says through a pipe (LAB_SIGNALS_READY, a file descriptor) when it
#   answers signals. Until then a signal ends the JVM here (it has done nothing yet) and this shell
#   says the early line; from then on a signal is handed to the JVM, which says what it did.
#   The JVM keeps this shell's stdin, stdout and stderr. The kernel ends it when this shell dies
#   (setpriv --pdeathsig: a kill -9 here leaves no JVM running on its own); the JVM itself ends at
#   once when this shell was gone before that was set (LAB_LAUNCHER_PID).
run_lab_jvm() {
  local java=$1 pdeath=()
  shift
  [ -n "${lab_ready:-}" ] || open_ready_pipe
  ! command -v setpriv > /dev/null || pdeath=(setpriv --pdeathsig KILL --)
  # Set before the JVM starts, never after: a signal handed on (lab_jvm_signalled) before a later reset
  # would be forgotten (the JVM ended early, and its 137 taken for the script's own exit code, with no line).
  lab_jvm_signal_exit= # the exit code of the last signal that came
  lab_jvm_ended_early= # the exit code of the signal for which this shell ended the JVM, before it answered
  local status alive_pipe alive_in alive_out pause
  # The JVM holds the only writer of this pipe: when it ends, a read of the other end here returns at once.
  open_pipe alive_pipe
  exec {alive_out}> "/dev/fd/$alive_pipe" {alive_in}< "/dev/fd/$alive_pipe" {alive_pipe}<&-
  # The traps only note a signal: this shell hands it on as it waits (hand_on_signals). A trap that did
  # more would run inside a read here, and bash 5.2 loses a read's timeout when a trap runs another
  # read meanwhile (it then waits for ever). They are set before the JVM starts: a signal in between
  # would otherwise end this shell through stop_early, which knows no JVM to end first, and the JVM's
  # own words could follow the early line. (The JVM's shell resets them, as any subshell does.)
  lab_jvm_pending=
  trap 'lab_jvm_pending+="INT:130 "' INT
  trap 'lab_jvm_pending+="TERM:143 "' TERM
  trap 'lab_jvm_pending+="HUP:129 "' HUP
  trap '' QUIT # Ctrl-\ reaches the JVM itself, which prints its threads and goes on
  # A job started with & has SIGINT ignored and stdin at /dev/null unless told otherwise; Ctrl-C and the
  # script's stdin stay the JVM's. Ctrl-\ stays ignored (the launcher's first line): the JVM takes it over
  # as it starts (a thread dump), and until then it ends nothing.
  (
    trap - INT
    exec {alive_in}<&-
    export LAB_SIGNALS_READY=$lab_ready LAB_LAUNCHER_PID=$$
    exec ${pdeath[@]+"${pdeath[@]}"} "$java" "$@"
  ) <&0 &
  lab_jvm=$!
  exec {alive_out}>&-
  # No `wait` until the JVM has ended: bash 5.2 can miss a trapped signal that comes while it blocks
  # there, and run the trap only once the JVM has ended by itself (the signal never reached it). Each
  # read here lasts a quarter of a second at most (a fiftieth until the JVM answers signals: one that
  # does not yet is ended as soon as a signal comes), and returns at once when the JVM ends.
  # Until the JVM answers signals, the Ctrl-C watch is looked at too: a Ctrl-C that the trap missed is
  # then taken as the trap would take it. From then on a Ctrl-C reaches the JVM itself.
  until process_ended "$lab_jvm"; do
    hand_on_signals
    if lab_jvm_answers; then
      stop_ctrl_c_watch
      pause=0.25
    else
      if ctrl_c_came; then
        ctrl_c_watch=
        lab_jvm_answers || lab_jvm_signalled INT 130 # one that answers has had it itself
      fi
      pause=0.02
    fi
    if read -r -t "$pause" -u "$alive_in" 2> /dev/null || [ $? -le 128 ]; then
      nap 0.005 # the pipe's end: the JVM is exiting, and ends in a moment
    fi
  done
  # One that came as it ended is not handed on (the JVM is gone, and its pid may be another's by now): only
  # its exit code is kept, for the status below, should bash lose the JVM's.
  [ -z "$lab_jvm_pending" ] || { lab_jvm_signal_exit=${lab_jvm_pending% }; lab_jvm_signal_exit=${lab_jvm_signal_exit##*:}; }
  # So is a Ctrl-C the watch saw as a JVM that never answered ended.
  lab_jvm_answers || ! ctrl_c_came || lab_jvm_signal_exit=${lab_jvm_signal_exit:-130}
  exec {alive_in}<&-
  # A Ctrl-C from here on is the EXIT trap's; and a `wait` for a child bash has reaped already can wait
  # for any other instead, the watch too (for a day).
  stop_ctrl_c_watch
  # bash keeps an ended child's status for the next wait, which a trap can cut short. Its stderr is not
  # the JVM's: only bash's own "Killed" line about a JVM ended by a kill -9 goes.
  while :; do
    lab_jvm_pending=
    wait "$lab_jvm" 2> /dev/null && status=0 || status=$?
    [ -n "$lab_jvm_pending" ] || break
  done
  if ! { [ "$status" -ge 0 ] && [ "$status" -le 255 ]; } || { [ "$status" = 127 ] && [ -n "$lab_jvm_signal_exit" ]; }; then
    status=${lab_jvm_signal_exit:-1} # bash lost the status (-1, or 127: no such child): the JVM was signalled, or it would have one
  fi
  # A JVM that never answered signals had done nothing yet: a signal that came meanwhile ends the run as that
  # signal's, whatever the JVM's own exit code (the EXIT trap says the early line). Java's start has a race
  # of its own there: a Ctrl-C as it boots its module system can end it with exit 1 and Java's "Error
  # occurred during initialization of VM" (any Java program does that; it is said before the early line).
  if [ -n "$lab_jvm_ended_early" ]; then
    exit "$lab_jvm_ended_early"
  elif [ -n "$lab_jvm_signal_exit" ] && ! lab_jvm_answers; then
    exit "$lab_jvm_signal_exit"
  fi
  # An exit code of its own (it ended before the signal, and said why), what it said after one, or a
  # signal sent to the JVM alone before it answered (the EXIT trap says the early line).
  exit "$status"
}

# True once the script's JVM said it answers signals.
lab_jvm_answers() {
  [ -n "${lab_ready:-}" ] && read -r -t 0 -u "$lab_ready"
}

# hand_on_signals: each signal the traps noted since the last call, handed on (lab_jvm_signalled).
hand_on_signals() {
  local pending=$lab_jvm_pending signal
  lab_jvm_pending=
  for signal in $pending; do
    lab_jvm_signalled "${signal%:*}" "${signal#*:}"
  done
}

# lab_jvm_signalled NAME EXIT: a signal that came while the JVM runs. It only hands on or ends: the
# wait in run_lab_jvm gives the JVM's status.
lab_jvm_signalled() {
  lab_jvm_signal_exit=$2
  [ -z "$lab_jvm_ended_early" ] || return 0 # ended already, for an earlier one
  # One that seems not to answer yet is stopped, and asked again: it may have said that it answers
  # signals just now, and then it is its own line to say (a KILL now would leave none).
  local stopped=
  lab_jvm_answers || ! kill -s STOP "$lab_jvm" 2> /dev/null || stopped=1
  if lab_jvm_answers; then
    kill -s "$1" "$lab_jvm" 2> /dev/null || true # it may have ended already: wait gives its status
    [ -z "$stopped" ] || kill -s CONT "$lab_jvm" 2> /dev/null || true
    return 0
  fi
  trap '' INT TERM HUP
  lab_jvm_ended_early=$2
  kill -s KILL "$lab_jvm" 2> /dev/null || true
}
