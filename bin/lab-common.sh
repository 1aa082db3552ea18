# Sourced by bin/lab-server and bin/lab-cluster, not run by itself: finding nats-server, asking
# what answers at a port, and stopping a server the lab started (and nothing else), written once.
# The sourcing script defines die(), root and state_root.
. "$root/tools/jbang/shown.bash"

# Prints the path of a nats-server binary; as root on Debian/Ubuntu it installs one first.
find_binary() {
  local candidate
  for candidate in "$(command -v nats-server || true)" /usr/sbin/nats-server /usr/local/bin/nats-server; do
    [ -n "$candidate" ] && [ -x "$candidate" ] && { echo "$candidate"; return; }
  done
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "lab: installing nats-server with apt-get ..." >&2
    mkdir -p "$state_root"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server; } \
         >"$state_root/apt.log" 2>&1; then
      shown_log_end 5 "$state_root/apt.log" >&2
      die "apt-get could not install nats-server (log: $(shown "$state_root/apt.log"))"
    fi
    echo /usr/sbin/nats-server
    return
  fi
  die "nats-server is not installed: install it (sudo apt-get install nats-server, or brew install nats-server), or run \`docker compose up -d\`"
}

# probe HOST PORT: prints the server's INFO line when a NATS server answers there.
probe() {
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1" && head -n 1 <&3' "$1" "$2" 2>/dev/null || true
}

# is_lab_server PID PORT STORE: whether PID is a nats-server started by this user with `-p PORT` and
# `-sd STORE`, the way the lab starts one. A PID file outlives its process, and the PID can then be
# anyone's (a `tail -f` of the server's log, another user's server, say): only the owner, the program
# and its flags tell.
is_lab_server() {
  local pid=$1 port=$2 store=$3 words=() i flag_port= flag_store=
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && [ -O "/proc/$pid" ] || return 1
  mapfile -d '' -t words < "/proc/$pid/cmdline" 2>/dev/null || return 1
  [ "${#words[@]}" -gt 0 ] && [ "${words[0]##*/}" = nats-server ] || return 1
  for ((i = 1; i + 1 < ${#words[@]}; i++)); do
    case "${words[$i]}" in
      -p) flag_port=${words[$((i + 1))]} ;;
      -sd) flag_store=${words[$((i + 1))]} ;;
    esac
  done
  [ "$flag_port" = "$port" ] && [ "$flag_store" = "$store" ]
}

# stop_lab_server PIDFILE PORT STORE: stops the lab's server (see is_lab_server): the one PIDFILE names,
# or, when that names none (a stale or changed file), the one found running with those flags; waits up
# to 5 s for it to end, and forgets the PID file either way. Fails when it stopped nothing.
stop_lab_server() {
  local pid candidate
  pid=$(cat "$1" 2>/dev/null || true)
  rm -f "$1"
  if ! is_lab_server "$pid" "$2" "$3"; then
    pid=
    for candidate in /proc/[0-9]*; do
      if is_lab_server "${candidate#/proc/}" "$2" "$3"; then pid=${candidate#/proc/}; break; fi
    done
    [ -n "$pid" ] || return 1
  fi
  kill "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
}
