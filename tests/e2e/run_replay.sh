#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Replay modes and CPU knobs, end to end: open loop (--speed), closed loop (--qd), --map-cost,
# --wq-delay, --max-requests, --interval; every format through `run`.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib/common.sh
e2e_tmpdir
T=data/traces/oltp_small/oltp_small.blkparse.txt
F=(--cache-dev fixed:size=64M,read=100us,write=200us --target-dev fixed:size=1T,read=5ms,write=5ms)

j() { "$PROG" run "$@" --json --quiet > "$tmp/j" 2>"$tmp/err" || { echo "FAIL: run $*"; cat "$tmp/err"; fail=1; }; }
get() { jpy "$tmp/j" "$1"; }
check() { # check "description" python-expression
	if [ "$(python3 -c "import json; d=json.load(open('$tmp/j')); print(bool($2))")" = True ]; then
		echo "ok   $1"
	else
		echo "FAIL $1: $2"; fail=1
	fi
}

j "$T" "${F[@]}"
span1=$(get 'd["requests"]["last_ns"]-d["requests"]["first_ns"]')
check "open loop replays the trace's span (10.9 s)" "abs(d['requests']['last_ns'] - 10945868239) < 1000"
check "time series: one interval per second" "len(d['series']) == 11 and sum(s['requests'] for s in d['series']) == d['requests']['total']"

j "$T" "${F[@]}" --speed 2
check "--speed 2 halves the arrival span" "abs((d['requests']['last_ns']-d['requests']['first_ns']) - $span1/2) < 2"

j "$T" "${F[@]}" --interval 100ms
check "--interval 100ms: 106 of the 110 intervals have arrivals (the series is sparse)" \
	"len(d['series']) == 106 and all(s['requests'] > 0 and s['start_ns'] % 100000000 == 0 for s in d['series']) and all(a['start_ns'] < b['start_ns'] for a, b in zip(d['series'], d['series'][1:])) and d['series'][-1]['start_ns'] == 10900000000"

j "$T" "${F[@]}" --qd 1
check "--qd 1: one request at a time, so the span is the sum of latencies" \
	"abs(d['requests']['end_ns'] - sum(v['count']*v['mean_us']*1000 for v in d['latency_op'].values())) < 0.01*d['requests']['end_ns']"
qd1_end=$(get 'd["requests"]["end_ns"]')
j "$T" "${F[@]}" --qd 32
check "--qd 32 finishes sooner than --qd 1" "d['requests']['end_ns'] < $qd1_end / 4"

j "$T" "${F[@]}" --max-requests 100
check "--max-requests 100" "d['requests']['total'] == 100"

j "$T" "${F[@]}" --map-cost 10ms
check "--map-cost 10ms: 2902 maps take 29 s of CPU, beyond the trace's 11 s" "d['requests']['pieces'] == 2902 and d['requests']['end_ns'] > 29.0e9"

j "$T" "${F[@]}" --wq-delay 2ms --table "writeback"
check "--wq-delay 2ms: a flush completes at the next worker run, at most 2 ms after it arrived" \
	"d['latency_class']['flush']['max_us'] == 2000 and 0 < d['latency_class']['flush']['mean_us'] < 2000"

# every format through run
"$PROG" trace convert "$T" "$tmp/o.sct" 2>/dev/null
for f in "$tmp/o.sct" data/traces/oltp_small/oltp_small.blktrace.0; do
	j "$f" "${F[@]}"
	check "run reads $(basename "$f")" "d['requests']['total'] == 2481"
done
exit $fail
