# Sourced by bin/jbang and bin/lab-run after shown.bash, not run by itself: the temp folder their processes use.
#
# usable_tmpdir NAME
#   TMPDIR names the temp folder of every tool, and the launchers hand it to the JVMs too (Java itself
#   ignores it). One that is not a folder this user can write to would fail deep inside JBang or
#   Java with an exception that does not name TMPDIR. Then NAME says so in one line, and TMPDIR is
#   dropped: everything here uses /tmp, as if it had never been set.
usable_tmpdir() {
  [ -n "${TMPDIR:-}" ] || return 0
  [ -d "$TMPDIR" ] && [ -w "$TMPDIR" ] && [ -x "$TMPDIR" ] && return 0
  echo "$1: TMPDIR=$(shown "$TMPDIR") is not a folder you can write to; using /tmp (set TMPDIR to one that is, or unset it)" >&2
  unset TMPDIR
}
