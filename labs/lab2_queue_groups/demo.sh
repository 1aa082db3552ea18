# make demo LAB=lab2_queue_groups: two workers of one group share twelve tasks; a worker of another
# group gets a copy of each.
. "$(dirname "$0")/../../tools/demo.bash"

run nats-pub "nobody listens: this task is lost"
listen "worker A" worker --label A --idle 5s
listen "worker B" worker --label B --idle 5s
listen "auditor (queue group audit)" worker --label audit --queue audit --count 12
run nats-pub --count 12 task
finish
