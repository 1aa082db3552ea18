# make run reads ARGS (in LAB_ARGS) as shell words: quotes, backslashes and $NAME work as after the
# script's name. This fails (exit 1) when a shell reading them would also run something, or stop
# reading early: a $(...) or `...` outside single quotes; ; & | < > ( ) or a line break outside
# quotes; a # that starts a word (the rest, MSG too, would be a comment).
BEGIN {
  s = ENVIRON["LAB_ARGS"]; n = length(s); quote = ""; c = " "
  for (i = 1; i <= n; i++) {
    prev = c; c = substr(s, i, 1)
    if (quote == "'") { if (c == "'") quote = ""; continue }
    if (c == "\\") { c = substr(s, ++i, 1); continue }
    if (c == "`" || (c == "$" && substr(s, i + 1, 1) == "(")) exit 1
    if (quote == "\"") { if (c == "\"") quote = ""; continue }
    if (c == "'" || c == "\"") { quote = c; continue }
    if (index(";&|<>()\n", c) || (c == "#" && index(" \t", prev))) exit 1
  }
}
