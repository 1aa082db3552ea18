# Helpers for labs/<lab>/demo.sh (make demo LAB=<lab>): run a script with the lab's config, or start a
# listener in the background, wait until it listens, and print what it said once it is done.
set -euo pipefail
: "${RUN:=bin/lab-run}" "${LAB_CONFIG:?make demo sets LAB_CONFIG}"
demo_dir=$(mktemp -d)
trap 'rm -rf "$demo_dir"' EXIT
started=()

# run ALIAS ARGS...: one script in the foreground, as `make run` would.
run() {
  local alias=$1
  shift
  printf '$ %s\n' "$alias${*:+$(printf ' %q' "$@")}"
  "$RUN" "$alias" --config config.toml --lab-config "$LAB_CONFIG" "$@"
}

# listen NAME ALIAS ARGS...: a listener in the background; returns once it says it listens.
listen() {
  local name=$1 alias=$2 out="$demo_dir/$1" tries=0
  shift 2
  printf '$ %s &   # %s\n' "$alias$(printf ' %q' "$@")" "$name"
  "$RUN" "$alias" --config config.toml --lab-config "$LAB_CONFIG" "$@" > "$out" 2>&1 &
  started+=("$name:$!")
  until grep -q "listening" "$out" 2>/dev/null; do
    if ! kill -0 "$!" 2>/dev/null || [ $((tries += 1)) -gt 600 ]; then cat "$out" >&2; echo "demo: $name did not start listening" >&2; exit 1; fi
    sleep 0.1
  done
}

# finish: waits for every listener and prints what each one said.
finish() {
  local entry rc=0
  for entry in "${started[@]}"; do
    wait "${entry#*:}" || rc=$?
    echo "--- ${entry%%:*} said:"
    cat "$demo_dir/${entry%%:*}"
  done
  return $rc
}
