# Sourced by the launchers, bin/lab-common.sh and make's recipes (plain sh, as dash reads it too), not run
# by itself: how a value from outside (what the user typed, a path, a server's words) is shown in a line.
#
# shown TEXT
#   Prints TEXT as one line of text that only shows, never acts on the terminal, as the scripts show
#   outside text (Output.java): printable ASCII as itself, a backslash as \\, a newline as \n, any other
#   ASCII byte as \u{hex}. bash cannot tell UTF-8 text it could pass on from bytes that are not, so a
#   byte from 0x80 up is \x{hex}, as a script shows a byte that is no UTF-8. No newline after it.
#
# shown_log_end N FILE
#   The last N lines of a log a server or a tool wrote, each shown as one line.
#
# lab_shown_awk
#   The same as the awk function shown(s), for an awk program that shows what it reads:
#   awk "$lab_shown_awk"'...program...'. It needs LC_ALL=C (bytes, not characters).
lab_shown_awk='
function shown(s,   out, i, c, n) {
  if (!lab_shown_ord_set) { for (i = 1; i < 256; i++) lab_shown_ord[sprintf("%c", i)] = i; lab_shown_ord_set = 1 }
  out = ""
  for (i = 1; i <= length(s); i++) {
    c = substr(s, i, 1); n = lab_shown_ord[c]
    if (c == "\\") out = out "\\\\"
    else if (n >= 32 && n < 127) out = out c
    else if (c == "\n") out = out "\\n"
    else if (n < 128) out = out sprintf("\\u{%x}", n)
    else out = out sprintf("\\x{%02x}", n)
  }
  return out
}
'

shown() {
  LAB_SHOWN=$1 LC_ALL=C awk "$lab_shown_awk"' BEGIN { printf "%s", shown(ENVIRON["LAB_SHOWN"]) }'
}

shown_log_end() {
  tail -n "$1" -- "$2" 2> /dev/null | while IFS= read -r lab_shown_line || [ -n "$lab_shown_line" ]; do
    printf '%s\n' "$(shown "$lab_shown_line")"
  done
}
