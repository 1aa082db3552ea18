# Helpers for labs/<lab>/demo.sh (make demo LAB=<lab>): run a script with the lab's config, or start a
# listener in the background, wait until it listens, and print what it said once it is done.
set -euo pipefail
: "${RUN:=bin/lab-run}"
demo_lab=$(cd "$(dirname "$0")" && pwd -P)
demo_lab=${demo_lab##*/}
# make demo names the lab whose demo this is, after starting its server and choosing its config: run by
# hand (even with some lab's LAB_CONFIG exported), a demo would run against whatever those say
if [ "${LAB_DEMO:-}" != "$demo_lab" ] || [ -z "${LAB_CONFIG:-}" ]; then
  echo "demo: run it with make, which starts the lab's server and names its config: make demo LAB=$demo_lab" >&2
  exit 2
fi
demo_dir=$(mktemp -d)
started=()

# stop_started: every background run still going gets SIGTERM, then is waited for, and what it said (its
# last line says what it did) is printed before its file goes. A non-interactive shell starts them with
# SIGINT ignored, so a Ctrl-C would leave them running; a check that stops the demo too.
stop_started() {
  local entry name pid out
  for entry in ${started[@]+"${started[@]}"}; do
    IFS=: read -r name pid out <<< "$entry"
    kill -TERM "$pid" 2>/dev/null || true
  done
  for entry in ${started[@]+"${started[@]}"}; do
    IFS=: read -r name pid out <<< "$entry"
    wait "$pid" 2>/dev/null || true
    echo "--- $name said (stopped with the demo):"
    cat "$out" 2>/dev/null || true
  done
  started=()
}
trap 'stop_started; rm -rf "$demo_dir"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
outputs=0 # each background run writes a file of its own: a name used again never finds the last one's lines

# run ALIAS ARGS...: one script in the foreground, as `make run` would.
run() {
  local alias=$1
  shift
  printf '$ %s\n' "$alias${*:+$(printf ' %q' "$@")}"
  "$RUN" "$alias" --config config.toml --lab-config "$LAB_CONFIG" "$@"
}

# output: a fresh file for what a background run says (its path in $out).
output() {
  out="$demo_dir/$((outputs += 1))"
  : > "$out"
}

# listen NAME ALIAS ARGS...: a listener in the background; returns once it says it listens.
listen() {
  local name=$1 alias=$2 tries=0
  shift 2
  output
  printf '$ %s &   # %s\n' "$alias$(printf ' %q' "$@")" "$name"
  "$RUN" "$alias" --config config.toml --lab-config "$LAB_CONFIG" "$@" > "$out" 2>&1 &
  started+=("$name:$!:$out")
  until grep -q "listening" "$out" 2>/dev/null; do
    if ! kill -0 "$!" 2>/dev/null || [ $((tries += 1)) -gt 600 ]; then cat "$out" >&2; echo "demo: $name did not start listening" >&2; exit 1; fi
    sleep 0.1
  done
}

# finish: waits for every background run and prints what each one said; the next ones start afresh.
finish() {
  local entry name pid out rc=0
  for entry in "${started[@]}"; do
    IFS=: read -r name pid out <<< "$entry"
    wait "$pid" || rc=$?
    echo "--- $name said:"
    cat "$out"
  done
  started=()
  return $rc
}
