# make demo LAB=lab3_request_reply: no responder; two responders, the first reply wins; then only a
# slow one is left and the requester times out while the request is still handled.
. "$(dirname "$0")/../../tools/demo.bash"

run requester "anyone there?" || true
listen "responder A" responder --label A --count 1
listen "responder B (slow)" responder --label B --delay 3s --count 2
run requester "who answers?"
run requester --timeout 1s "quick?" || true
finish
