# Sourced by bin/jbang and bin/lab-run, not run by itself: the locale the lab's JVMs start in.
#
# use_utf8_locale
#   Java decodes its command line, and encodes file names, in the locale's character set. With no
#   locale at all (no LANG, as in a login shell on Debian) that set is ASCII: `js-pub 'ünï'` would
#   reach the script as U+FFFD replacement characters, and a file named `ünï.txt` could not be
#   opened. Then (and only then) the JVMs started from here get the C.UTF-8 locale, when the system
#   has it. A locale the user chose, UTF-8 or another character set, is left as it is.
#   It keeps the character set in lab_charmap: utf8_or_refuse asks no child process for it again.
use_utf8_locale() {
  if command -v capture > /dev/null 2>&1; then
    capture lab_charmap locale_charmap || true # the launchers' way (early-signal.bash)
  else
    lab_charmap=$(locale_charmap)
  fi
  case $lab_charmap in
    ANSI_X3.4-1968|'') ;;
    *) return 0 ;;
  esac
  # bash's own "Terminated" for this pipeline, when a signal to the whole group ends it, goes nowhere: the
  # launcher's trap says the one line (to the stderr it saved), after the pipeline
  { locale -a | grep -qix 'c\.utf-\{0,1\}8'; } 2>/dev/null || return 0
  if [ -n "${LC_ALL:-}" ]; then
    export LC_ALL=C.UTF-8
  else
    export LC_CTYPE=C.UTF-8
  fi
  lab_charmap=UTF-8
}

# Not `capture ... 2>/dev/null`: that would also hide the line of a trap that runs meanwhile.
locale_charmap() {
  locale charmap 2>/dev/null
}

# utf8_or_refuse NAME VALUE
#   In a UTF-8 locale Java reads bytes that are not UTF-8 as U+FFFD, without a word: such a VALUE
#   fails here with the one line the script itself says in a UTF-8 locale (Argv.java), NAME being how the user typed it
#   ("argument 2", or for make run "MSG", "ARGS word 1"). Plain sh, as make's recipes source it too.
#   Printable ASCII is UTF-8 as it is: only other text is handed to iconv.
utf8_or_refuse() {
  case $2 in
    *[!\ -~]*) ;;
    *) return 0 ;;
  esac
  [ "${lab_charmap-$(locale charmap 2>/dev/null)}" = UTF-8 ] && command -v iconv >/dev/null || return 0
  { printf '%s' "$2" | iconv -f UTF-8 -t UTF-8 >/dev/null; } 2>/dev/null && return 0 # no "Terminated" either
  echo "ERROR $1 is not UTF-8 text: set your terminal to UTF-8 and type it again" >&2
  return 1
}

# utf8_args_or_refuse ARG...: the same for a script's arguments, each named "argument N".
utf8_args_or_refuse() {
  local n=0 word
  for word in "$@"; do
    n=$((n + 1))
    utf8_or_refuse "argument $n" "$word" || return 1
  done
}
