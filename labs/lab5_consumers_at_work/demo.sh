# make demo LAB=lab5_consumers_at_work: the lesson's sections in one go, with shorter waits. It starts
# from a clean slate each time: the lab's two streams are deleted first (with their consumers).
. tools/demo.bash
queue_config=labs/lab5_consumers_at_work/config.queue.toml

for config in "$LAB_CONFIG" "$queue_config"; do
  "$RUN" js-purge --config config.toml --lab-config "$config" --delete --force > /dev/null 2>&1 || true
done

# queue ALIAS ARGS...: a script on the work queue's stream (its own config file).
queue() {
  LAB_CONFIG=$queue_config run "$@"
}

# worker NAME ARGS...: js-pull in the background, as in another terminal; returns once it pulled its first message
# (or, with --no-wait-for-first, at once). `finish` prints what it said.
worker() {
  local name=$1 out="$demo_dir/$1" tries=0
  shift
  printf '$ js-pull%s &   # worker %s\n' "$(printf ' %q' "$@")" "$name"
  "$RUN" js-pull --config config.toml --lab-config "$LAB_CONFIG" "$@" > "$out" 2>&1 &
  started+=("$name:$!")
  until grep -q "pulled message" "$out" 2>/dev/null; do
    if ! kill -0 "$!" 2>/dev/null || [ $((tries += 1)) -gt 600 ]; then break; fi
    sleep 0.1
  done
}

echo "== 1) the stream and the consumer the workers share"
run js-bootstrap
echo "== 2) two workers on one consumer share the jobs"
run js-pub --count 10 "job {{Count}}"
worker A --label A --work-ms 500
run js-pull --label B --work-ms 500
finish; started=()
echo "== 3) a work queue: acked means gone; a second consumer is refused"
queue js-bootstrap --retention workqueue
queue js-pub --count 3 "order {{Count}}"
queue js-pull --max 2
queue js-info
queue js-bootstrap --retention workqueue --consumer LAB5_AUDIT || true
echo "== 4) max ack pending reached: delivery stops"
run js-purge
run js-bootstrap --consumer LAB5_SLOW --max-ack-pending 2 --ack-wait 1m
run js-pub --count 3 "step {{Count}}"
run js-pull --consumer LAB5_SLOW --no-ack --max 2
run js-info --consumer LAB5_SLOW
run js-pull --consumer LAB5_SLOW --wait 2s
run js-purge
echo "== 5) a long job: redelivered mid-work, unless kept alive with in-progress acks"
run js-bootstrap --ack-wait 2s
run js-pub "long job"
worker A --label A --work-ms 8000 --max 1
run js-pull --label B --max 1 --wait 15s
finish; started=()
run js-pub "long job 2"
worker A --label A --work-ms 8000 --in-progress --max 1
run js-pull --label B --max 1 --wait 10s
finish; started=()
echo "== 6) hand it back for later"
run js-pub "retry later"
run js-pull --nak-delay 5s --max 1
run js-pull --max 1 --wait 15s
echo "== 7) a poison message: max deliver, term"
run js-bootstrap --max-deliver 3 --ack-wait 30s
run js-pub "poison"
for try in 1 2 3; do run js-pull --nak --max 1; done
run js-pull --wait 2s
run js-pub "poison 2"
run js-pull --term --max 1
echo "== 8) a full stream: discard new refuses, discard old drops the oldest"
run js-purge
run js-bootstrap --max-msgs 3 --discard new --max-deliver -1
run js-pub --count 4 "item {{Count}}" || true
run js-bootstrap --discard old
run js-pub "item 5"
run js-info
echo "== 9) beside a core NATS queue group: what happens to work nobody takes"
run nats-pub --subject lab5.tasks "nobody listens"
run worker lab5.tasks --label A --wait 2
queue js-pub "nobody pulls"
queue js-pull --label A --max 2
echo "== 10) a backoff schedule, and limits by age and size"
run js-bootstrap --consumer LAB5_RETRY --backoff 1s,5s,30s || true
run js-bootstrap --consumer LAB5_RETRY --backoff 1s,5s,30s --max-deliver 4
run js-bootstrap --max-age 1h --max-bytes 1000000
