# Sourced by bin/jbang and bin/lab-run, not run by itself: the locale the lab's JVMs start in.
#
# use_utf8_locale
#   Java decodes its command line, and encodes file names, in the locale's character set. With no
#   locale at all (no LANG, as in a login shell on Debian) that set is ASCII: `js-pub 'ünï'` would
#   reach the script as U+FFFD replacement characters, and a file named `ünï.txt` could not be
#   opened. Then (and only then) the JVMs started from here get the C.UTF-8 locale, when the system
#   has it. A locale the user chose, UTF-8 or another character set, is left as it is.
use_utf8_locale() {
  case "$(locale charmap 2>/dev/null)" in
    ANSI_X3.4-1968|'') ;;
    *) return 0 ;;
  esac
  locale -a 2>/dev/null | grep -qix 'c\.utf-\{0,1\}8' || return 0
  if [ -n "${LC_ALL:-}" ]; then
    export LC_ALL=C.UTF-8
  else
    export LC_CTYPE=C.UTF-8
  fi
}
