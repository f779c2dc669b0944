#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# cli_opts.sh - the option table (sim/cli/cli_opts.c): a flag that run, replay and sweep share
# is parsed once, so a bad value gets the same message (but for the command's name) and exit 2
# everywhere; typed values are range-checked by the table; an option of another command is
# named as such; a value the table accepts reaches the configuration.
set -u
: "${PROG:?PROG must be the absolute path of ssdcache-sim}"
. "$(dirname "$0")/lib/common.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
T=$top/data/traces/oltp_small/oltp_small.blkparse.txt
e2e_tmpdir

# msg CMD ARGS...: the first line of the command's stderr, the command's name taken out
msg() {
	local cmd=$1
	shift
	"$PROG" $cmd "$@" >/dev/null 2>"$tmp/err"
	echo "rc=$? $(head -1 "$tmp/err" | sed "s/^ssdcache-sim $cmd: //")"
}

# same FLAG VALUE WANT: run, replay and sweep say the same about --FLAG VALUE, and it is WANT
same() {
	local flag=$1 value=$2 want=$3 r p s
	r=$(msg run "$T" "--$flag" "$value")
	p=$(msg replay "$T" --cache "$tmp/c" --target "$tmp/t" "--$flag" "$value")
	s=$(msg sweep "$T" --db "$tmp/r.db" "--$flag" "$value")
	if [ "$r" = "$p" ] && [ "$r" = "$s" ] && [ "$r" = "rc=2 $want" ]; then
		ok "--$flag $value: '$want' from run, replay and sweep"
	else
		bad "--$flag $value: run '$r', replay '$p', sweep '$s' (want 'rc=2 $want')"
	fi
}
same hz 0 "--hz 0: expected a number in 1..100000"
same hz 100001 "--hz 100001: expected a number in 1..100000"
same hz fast "--hz fast: expected a number in 1..100000"
same quirks maybe "--quirks maybe: expected seed or fixed"
same seed x "--seed x: expected a number"
same max-requests -1 "--max-requests -1: expected a number"
same debug-abort-after 0 "--debug-abort-after 0: expected a number of requests"
same event X "bad --event 'X' (expected Q, D or C)"
same fix Q99 "$(msg run "$T" --fix Q99 | sed 's/^rc=2 //')"
[ -n "$(msg run "$T" --fix Q99 | sed 's/^rc=2 //')" ] || bad "--fix Q99 printed nothing"

# typed values of the rows of one command
expect_msg() { # expect_msg WANT CMD ARGS...
	local want=$1 got
	shift
	got=$(msg "$@")
	[ "$got" = "rc=2 $want" ] && ok "$* -> $want" || bad "$*: '$got', want 'rc=2 $want'"
}
expect_msg "--speed 0: expected a factor above 0" run "$T" --speed 0
expect_msg "--interval 0: expected a time above 0 (ns, or a ns/us/ms/s suffix)" run "$T" --interval 0
expect_msg "--wq-delay 5parsecs: expected a time (ns, or a ns/us/ms/s suffix)" run "$T" --wq-delay 5parsecs
expect_msg "--hash md5: expected linux31 or modern" run "$T" --hash md5
expect_msg "--qd 0: expected a queue depth in 1..1000000" run "$T" --qd 0
expect_msg "--cache-create 1K: expected a size (bytes or K/M/G/T, at least 4K)" replay "$T" --cache c --target t --cache-create 1K
expect_msg "--jobs 0: expected 1..1024 workers" sweep "$T" -j 0
expect_msg "--read-ratio 2: expected 0..1" "trace gen" --read-ratio 2
expect_msg "--seed 4294967296: expected 0 .. 2^32-1" "trace gen" --seed 4294967296
expect_msg "--output-format xml: expected blkparse or sct" "trace gen" --output-format xml
expect_msg "--max-blocks 8: expected a number in 16..1073741824" "trace stats" --max-blocks 8 "$T"
expect_msg "--blocksize 100: expected a multiple of 512 bytes" "trace stats" --blocksize 100 "$T"
expect_msg "option '--hz' needs a value" run "$T" --hz
expect_msg "unknown option '--frobnicate'" run "$T" --frobnicate
expect_msg "unknown option '--frobnicate'" "trace dump" --frobnicate "$T"
expect_msg "missing TRACE: one TRACE expected" run
expect_msg "expected one TRACE, got 'a' and 'b'" run a b
expect_msg "missing IN and OUT.sct: IN and OUT.sct expected" "trace convert" "$T"
expect_msg "unexpected argument 'extra'" "trace gen" extra
expect_msg "--qd 0: expected a number in 1..65536" "models replay" --qd 0 fixed "$T"
expect_msg "--qd 0: expected a number in 1..65536" "models probe" --qd 0 fixed
expect_msg "--rw x: expected randread|randwrite|read|write" "models probe" --rw x fixed
expect_msg "bad --event 'X' (expected Q, D or C)" "models replay" --event X fixed "$T"
expect_msg "bad --event 'X' (expected Q, D or C)" "trace mrc" --event X "$T"
# an option of another command says whose it is
got=$(msg run "$T" --cache x)
[[ $got == "rc=2 '--cache' is an option of \`replay\`, not of \`run\`"* ]] && ok "run --cache: replay's" || bad "run --cache: $got"
got=$(msg replay "$T" --cache-dev fixed)
[[ $got == *"'--cache-dev' is an option of \`run\`, \`sweep\`, not of \`replay\`; usage: ssdcache-sim replay TRACE --cache PATH"* ]] \
	&& ok "replay --cache-dev: run's and sweep's" || bad "replay --cache-dev: $got"
got=$(msg "trace dump" "$T" --json)
[[ $got == *"'--json' is an option of \`run\`, \`replay\`, \`trace stats\`, "*", not of \`trace dump\`"* ]] \
	&& ok "trace dump --json: stats'" || bad "trace dump --json: $got"

# values the table accepts reach the configuration (the JSON document echoes it)
"$PROG" run "$T" --json --hz 1000 --quirks fixed --hash modern --speed 2 --max-requests 100 >"$tmp/j" 2>/dev/null \
	|| bad "run with good values failed"
for kv in '"hz":1000' '"hash":"modern"' '"speed":2' '"quirks":"fixed"' '"total":100,'; do
	grep -qF "$kv" "$tmp/j" && ok "$kv in the JSON document" || bad "$kv not in the JSON document"
done
# -h and --help print the generated help on stdout, exit 0
for c in run replay sweep "trace dump" "trace convert" "trace stats" "trace gen" "trace mrc" "models replay" "models probe"; do
	"$PROG" $c -h >"$tmp/h" 2>&1 && grep -q "^usage: ssdcache-sim $c " "$tmp/h" && grep -q -- "--help" "$tmp/h" \
		&& ok "$c -h" || bad "$c -h: $(head -2 "$tmp/h")"
done
# the table's commands read their command line through cli_next (cli_opts.c) only
for f in cmd_run.c cmd_sweep.c cmd_trace.c cmd_mrc.c cmd_models_replay.c cli_trace.c cli_engine.c; do
	if grep -q 'getopt\|struct option' "$top/sim/cli/$f"; then bad "sim/cli/$f parses options itself"
	else ok "sim/cli/$f parses through the table"; fi
done
exit $fail
