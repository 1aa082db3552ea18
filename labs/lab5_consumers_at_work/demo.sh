# make demo LAB=lab5_consumers_at_work: the lesson's sections in one go, with shorter waits. It starts
# from a clean slate each time: the lab's two streams are deleted first (with their consumers).
# Each section then checks that it showed its point: on a busy machine workers start late, and a
# demo that showed the opposite of its lesson stops with one line naming the section, never exit 0.
. "$(dirname "$0")/../../tools/demo.bash"
queue_config=labs/lab5_consumers_at_work/config.queue.toml

for config in "$LAB_CONFIG" "$queue_config"; do
  "$RUN" js-purge --config config.toml --lab-config "$config" --delete --force > /dev/null 2>&1 || true
done

# section N TITLE: what follows shows the README's section N (the line a missed point names); the demo
# skips some sections, so its numbers are the README's, not a count of its own.
section() {
  section=$1
  echo "== README section $1) $2"
}

# missed WHAT: the section did not show WHAT; the demo stops.
missed() {
  echo "demo: README section $section did not show $1: its lesson was not shown, so the demo stops (a busy machine? run it again)" >&2
  exit 1
}

# step ALIAS ARGS...: `run`, keeping what it printed ($said: stdout, $said.err: stderr) for `shown`.
step() {
  local rc=0
  said="$demo_dir/$((outputs += 1))"
  run "$@" > "$said" 2> "$said.err" || rc=$?
  cat "$said"
  cat "$said.err" >&2
  return $rc
}

# queue ALIAS ARGS...: a step on the work queue's stream (its own config file).
queue() {
  LAB_CONFIG=$queue_config step "$@"
}

# shown WHAT FILE TEXT: FILE holds TEXT (a fixed string), or the section missed WHAT.
shown() {
  grep -qF -- "$3" "$2" || missed "$1"
}

# not_yet WHAT FILE TEXT: FILE does not hold TEXT yet, or the section missed WHAT.
not_yet() {
  ! grep -qF -- "$3" "$2" || missed "$1"
}

# worker NAME ARGS...: js-pull --label NAME in the background, as in another terminal, its lines in a
# fresh file (${lines_of[NAME]}); returns once it pulled its first message. `finish` prints what it said.
declare -A lines_of
worker() {
  local name=$1 pid tries=0
  shift
  output
  lines_of[$name]=$out
  printf '$ js-pull%s &   # worker %s\n' "$(printf ' %q' --label "$name" "$@")" "$name"
  "$RUN" js-pull --config config.toml --lab-config "$LAB_CONFIG" --label "$name" "$@" > "$out" 2>&1 &
  pid=$!
  started+=("worker $name:$pid:$out")
  until grep -q "pulled message" "$out"; do
    if ! kill -0 "$pid" 2>/dev/null || [ $((tries += 1)) -gt 1200 ]; then
      cat "$out" >&2
      missed "worker $name pulling a message"
    fi
    sleep 0.1
  done
}

# pulled_by NAME: how many messages worker NAME's last line counts.
pulled_by() {
  sed -n 's/.*\] done: \([0-9]*\) message.*/\1/p' "${lines_of[$1]}"
}

section 1 "the stream and the consumer the workers share"
step js-bootstrap
section 2 "two workers on one consumer share the jobs"
step js-pub --count 10 "job {{Count}}"
echo "(--max 7 each: however late one worker starts, the other leaves it some)"
worker A --work-ms 500 --max 7
worker B --work-ms 500 --max 7
finish
a=$(pulled_by A) b=$(pulled_by B) # empty when a worker never said how many it did
[ "$((${a:-0} + ${b:-0}))" = 10 ] || missed "the ten jobs each done once, by one of the workers"
section 4 "a work queue: acked means gone; a second consumer is refused"
queue js-bootstrap --retention workqueue
queue js-pub --count 3 "order {{Count}}"
queue js-pull --max 2
queue js-info
shown "the two acked orders gone from the stream" "$said" "messages:       1 ("
queue js-bootstrap --retention workqueue --consumer LAB5_AUDIT || true
shown "a second consumer refused" "$said.err" "is a work queue"
section 5 "max ack pending reached: delivery stops"
step js-purge
step js-bootstrap --consumer LAB5_SLOW --max-ack-pending 2 --ack-wait 1m
step js-pub --count 3 "step {{Count}}"
step js-pull --consumer LAB5_SLOW --no-ack --max 2
step js-info --consumer LAB5_SLOW
shown "max ack pending reached" "$said" "max ack pending 2 reached"
step js-pull --consumer LAB5_SLOW --wait 2s
shown "a pull that gets nothing" "$said" "done: 0 messages"
step js-purge
section 6 "a long job: redelivered mid-work, unless kept alive with in-progress acks"
step js-bootstrap --ack-wait 2s
step js-pub "long job"
# A's jobs are long, so B (started once A has the job) pulls while A works even when B's JVM takes 20 s to start.
worker A --work-ms 45000 --max 1
step js-pull --label B --max 1 --wait 30s
shown "worker B getting the job again (delivery 2)" "$said" '[B] pulled message: "long job" (delivery 2)'
not_yet "the redelivery while worker A was still at work" "${lines_of[A]}" "[A] acked"
finish
step js-pub "long job 2"
worker A --work-ms 45000 --in-progress --max 1
step js-pull --label B --max 1 --wait 3s
shown "worker B getting nothing while A keeps its job alive" "$said" "[B] done: 0 messages"
not_yet "worker B's wait ending while A was still at work" "${lines_of[A]}" "[A] acked"
finish
section 7 "hand it back for later"
step js-pub "retry later"
step js-pull --nak-delay 5s --max 1
step js-pull --max 1 --wait 15s
shown "the message back after its delay" "$said" '"retry later" (delivery 2)'
section 8 "a poison message: max deliver, term"
step js-bootstrap --max-deliver 3 --ack-wait 30s
step js-pub "poison"
for try in 1 2 3; do step js-pull --nak --max 1; done
step js-pull --wait 2s
shown "max deliver stopping the retries" "$said" "done: 0 messages"
step js-pub "poison 2"
step js-pull --term --max 1
shown "a terminated message" "$said" "terminated: the server will not deliver it again"
section 9 "a full stream: discard new refuses, discard old drops the oldest"
step js-purge
step js-bootstrap --max-msgs 3 --discard new --max-deliver -1
step js-pub --count 4 "item {{Count}}" || true
shown "discard new refusing the fourth item" "$said.err" "only 3 of 4 messages confirmed by a PubAck"
step js-bootstrap --discard old
step js-pub "item 5"
step js-info
shown "discard old keeping three" "$said" "messages:       3 ("
section 10 "beside a core NATS queue group: what happens to work nobody takes"
step nats-pub --subject lab5.tasks "nobody listens"
step worker lab5.tasks --label A --wait 2
queue js-pub "nobody pulls"
queue js-pull --label A --max 2
shown "the work queue keeping the task nobody pulled" "$said" '"nobody pulls"'
section 11 "a backoff schedule, and limits by age and size"
step js-bootstrap --consumer LAB5_RETRY --backoff 1s,5s,30s || true
shown "a backoff refused without a max deliver above its length" "$said.err" "needs a max deliver above"
step js-bootstrap --consumer LAB5_RETRY --backoff 1s,5s,30s --max-deliver 4
step js-bootstrap --max-age 1h --max-bytes 1000000
section 12 "a backoff at work: each retry later than the one before"
step js-purge
step js-bootstrap --consumer LAB5_BACKOFF --backoff 1s,2s --max-deliver 4
step js-pub "flaky"
step js-pull --consumer LAB5_BACKOFF --no-ack --wait 3s
shown "the retries spaced out by the backoff, up to max deliver" "$said" '"flaky" (delivery 4, '
