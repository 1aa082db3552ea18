# Sourced by the launchers, bin/lab-common.sh and make's recipes (plain sh, as dash reads it too), not run
# by itself: how a value from outside (what the user typed, a path, a server's words) is shown in a line.
#
# shown TEXT
#   Prints TEXT as one line of text that only shows, never acts on the terminal, as the scripts show
#   outside text (Output.java): printable ASCII as itself, a backslash as \\, a newline as \n, any other
#   ASCII byte as \u{hex}; a UTF-8 character that shows (é, a CJK letter) as itself, one that does not (a
#   C1 control, a bidi or zero-width mark, a line separator, private use) as \u{hex}, and a byte that is
#   no UTF-8 as \x{hex}. No newline after it.
#
# shown_log_end N FILE
#   The last N lines of a log a server or a tool wrote, each shown as one line.
#
# lab_shown_awk
#   The same as the awk function shown(s), for an awk program that shows what it reads:
#   awk "$lab_shown_awk"'...program...'. It needs LC_ALL=C (bytes, not characters).
lab_shown_awk='
function shown(s,   out, i, c, n, more, cp, k, b, least) {
  if (!lab_shown_ord_set) { for (i = 1; i < 256; i++) lab_shown_ord[sprintf("%c", i)] = i; lab_shown_ord_set = 1 }
  out = ""
  for (i = 1; i <= length(s); i++) {
    c = substr(s, i, 1); n = lab_shown_ord[c]
    if (c == "\\") { out = out "\\\\"; continue }
    if (n >= 32 && n < 127) { out = out c; continue }
    if (c == "\n") { out = out "\\n"; continue }
    if (n < 128) { out = out sprintf("\\u{%x}", n); continue }
    # a UTF-8 character: its lead byte says how many follow; too short a form, a surrogate or past U+10FFFF is none
    more = n >= 194 && n < 224 ? 1 : n >= 224 && n < 240 ? 2 : n >= 240 && n < 245 ? 3 : 0
    cp = more == 1 ? n - 192 : more == 2 ? n - 224 : n - 240; least = more == 1 ? 128 : more == 2 ? 2048 : 65536
    for (k = 1; k <= more; k++) {
      b = lab_shown_ord[substr(s, i + k, 1)]
      if (b < 128 || b >= 192) { more = 0; break }
      cp = cp * 64 + b - 128
    }
    if (more == 0 || cp < least || cp >= 55296 && cp < 57344 || cp > 1114111) { out = out sprintf("\\x{%02x}", n); continue }
    if (lab_shown_shows(cp)) out = out substr(s, i, more + 1)
    else out = out sprintf("\\u{%x}", cp)
    i += more
  }
  return out
}
# Whether a code point shows as itself: not a C1 control, a format mark (soft hyphen, bidi, zero-width, BOM),
# a line or paragraph separator, private use, a tag, or the replacement character.
function lab_shown_shows(cp) {
  return !(cp < 160 || cp == 173 || cp >= 1536 && cp <= 1541 || cp == 1564 || cp == 1757 || cp == 1807 || cp == 6158 \
    || cp >= 8203 && cp <= 8207 || cp >= 8232 && cp <= 8238 || cp >= 8288 && cp <= 8303 || cp == 65279 \
    || cp >= 65529 && cp <= 65531 || cp == 65533 || cp >= 57344 && cp <= 63743 || cp >= 917504 && cp <= 917631 \
    || cp >= 983040)
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
