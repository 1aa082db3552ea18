# make demo LAB=lab1_publish_subscribe: a late subscriber sees nothing; two subscribers each get a copy.
. "$(dirname "$0")/../../tools/demo.bash"

run nats-pub "published before anyone listens"
listen "subscriber A" nats-sub --count 1
listen "subscriber B (lab1.*)" nats-sub 'lab1.*' --count 2
run nats-pub "hello world"
run nats-pub --subject lab1.bye "see you"
finish
