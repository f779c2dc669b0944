#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# cli_man.sh - `make install` installs a man page per command and the bash completion, both
# written from the option table: every page renders with groff without a warning, the page of
# each table command names every option its --help lists, and the completion, sourced in bash,
# completes commands, options and the values of choice options.
set -u
: "${PROG:?PROG must be the absolute path of ssdcache-sim}"
: "${BUILD:?BUILD must be the build directory}"
. "$(dirname "$0")/lib/common.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
e2e_tmpdir

dest=$tmp/root
if ! make -s -C "$top" BUILD="$BUILD" DESTDIR="$dest" PREFIX=/usr install >"$tmp/make.log" 2>&1; then
	bad "make install: $(tail -5 "$tmp/make.log")"
	exit 1
fi
man1=$dest/usr/share/man/man1
comp=$dest/usr/share/bash-completion/completions/ssdcache-sim
[ -f "$man1/ssdcache-sim.1" ] && ok "ssdcache-sim.1 installed" || bad "no ssdcache-sim.1 in $man1"
for c in run replay capture trace models quirks sweep report db; do
	[ -f "$man1/ssdcache-sim-$c.1" ] && ok "ssdcache-sim-$c.1 installed" || bad "no ssdcache-sim-$c.1"
done
[ -f "$comp" ] && ok "completion installed" || bad "no completion at $comp"

# render PAGE: the page as text, one option per line unbroken (wide, no hyphenation, ASCII '-')
render() { groff -man -Tutf8 -rLL=300n -rHY=0 "$1" 2>"$tmp/groff.err" |
	sed 's/.\x08//g; s/\xe2\x88\x92/-/g; s/\xe2\x80\x90/-/g'; }

for f in "$man1"/*.1; do
	groff -man -Tutf8 -ww -z "$f" 2>"$tmp/w" && [ ! -s "$tmp/w" ] && ok "$(basename "$f") renders cleanly" \
		|| bad "$(basename "$f"): groff: $(head -3 "$tmp/w")"
	render "$f" | grep -q "^NAME" && ok "$(basename "$f") has a NAME section" || bad "$(basename "$f") without NAME"
done

# options CMD...: the long options the command's --help lists (each row's first "--name")
options() { "$PROG" "$@" --help | grep -oE '^  (-[a-z], )?--[a-z0-9-]+' | sed 's/.*--/--/' | sort -u; }

# every option of the table's commands, in its page; a subcommand's in the page of its command
check_page() { # check_page PAGE CMD...
	local page=$1 text missing=""
	shift
	text=$(render "$man1/$page")
	for o in $(options "$@"); do
		grep -qE -- "(^|[ ,])$o( |,|$)" <<<"$text" || missing="$missing $o"
	done
	[ -z "$missing" ] && ok "$page names every option of '$*' ($(options "$@" | wc -l))" \
		|| bad "$page lacks:$missing"
}
check_page ssdcache-sim-run.1 run
check_page ssdcache-sim-replay.1 replay
check_page ssdcache-sim-sweep.1 sweep
for sub in dump convert stats gen mrc; do check_page ssdcache-sim-trace.1 trace $sub; done
check_page ssdcache-sim-models.1 models replay
check_page ssdcache-sim-models.1 models probe
[ "$(options run | wc -l)" -ge 40 ] && ok "run --help lists $(options run | wc -l) options" \
	|| bad "run --help lists only $(options run | wc -l) options"
render "$man1/ssdcache-sim-models.1" | grep -q "probe" && ok "models page holds its help" \
	|| bad "models page without its help"
render "$man1/ssdcache-sim.1" | grep -q "ssdcache-sim-sweep" && ok "ssdcache-sim.1 points to the pages" \
	|| bad "ssdcache-sim.1 does not name the command pages"

# complete WORDS...: what the completion offers for the last word
complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ssdcache_sim; printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$comp" "$@" | sort
}
[ "$(complete_words ssdcache-sim ru)" = run ] && ok "ru<TAB> -> run" || bad "ru<TAB>: '$(complete_words ssdcache-sim ru)'"
[ "$(complete_words ssdcache-sim run --qu)" = "$(printf -- '--quiet\n--quirk\n--quirks')" ] \
	&& ok "run --qu<TAB> -> --quiet --quirk --quirks" || bad "run --qu<TAB>: '$(complete_words ssdcache-sim run --qu)'"
[ "$(complete_words ssdcache-sim run --quir)" = "$(printf -- '--quirk\n--quirks')" ] \
	&& ok "run --quir<TAB> -> --quirk --quirks" || bad "run --quir<TAB>: $(complete_words ssdcache-sim run --quir)"
[ "$(complete_words ssdcache-sim run --quirks f)" = fixed ] && ok "run --quirks f<TAB> -> fixed" \
	|| bad "--quirks f<TAB>: '$(complete_words ssdcache-sim run --quirks f)'"
[ "$(complete_words ssdcache-sim replay --cache-c)" = --cache-create ] && ok "replay --cache-c<TAB>" \
	|| bad "replay --cache-c<TAB>: '$(complete_words ssdcache-sim replay --cache-c)'"
complete_words ssdcache-sim run --cache | grep -qx -- --cache-dev && ! complete_words ssdcache-sim run --cache | grep -qx -- --cache \
	&& ok "run completes --cache-dev, not replay's --cache" || bad "run --cache<TAB>: $(complete_words ssdcache-sim run --cache)"
[ "$(complete_words ssdcache-sim trace st)" = stats ] && ok "trace st<TAB> -> stats" || bad "trace st<TAB>"
[ "$(complete_words ssdcache-sim trace stats --max)" = --max-blocks ] && ok "trace stats --max<TAB>" \
	|| bad "trace stats --max<TAB>: '$(complete_words ssdcache-sim trace stats --max)'"
[ "$(complete_words ssdcache-sim models replay --lat)" = --latency-log ] && ok "models replay --lat<TAB>" \
	|| bad "models replay --lat<TAB>: '$(complete_words ssdcache-sim models replay --lat)'"
# the completion offers what the command takes: every option of run's --help, nothing else
want=$(options run; echo --help)
got=$(complete_words ssdcache-sim run -- | sort -u)
[ "$(sort -u <<<"$want")" = "$got" ] && ok "run's completion = run --help's options" \
	|| bad "run's completion differs from --help: $(diff <(sort -u <<<"$want") <(echo "$got") | head -5)"
exit $fail
