#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The lookup's two scans give the same decisions: the AVX2 tag compare and LRU victim choice
# (the default where the CPU has AVX2) against the scalar loops (SSDCACHE_SCAN=scalar), decision
# log byte for byte, in seed and fixed mode, with busy ctes (latencies, a high rate) and idle
# ones (zero latency), lru, lfu and fifo, on a trace that evicts.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib/common.sh
e2e_tmpdir

"$PROG" trace gen --requests 30000 --device-size 256M --pattern 'zipf:0.9@70+seq:16@15+seq:16@15' \
	--read-ratio 0.64 --size 4K@90,16K@10 --arrival poisson:20000 --seed 7 -o "$tmp/w.sct" || exit 1
grep -q avx2 /proc/cpuinfo || echo "note: no AVX2 here: both runs take the scalar loops"

n=0
check() { # name, run options...
	local name=$1
	shift
	SSDCACHE_SCAN=scalar "$PROG" run "$tmp/w.sct" --quiet --json --decision-log "$tmp/s.log" "$@" >"$tmp/s.json" ||
		{ echo "FAIL: $name: scalar run failed"; fail=1; return; }
	SSDCACHE_SCAN=auto "$PROG" run "$tmp/w.sct" --quiet --json --decision-log "$tmp/v.log" "$@" >"$tmp/v.json" ||
		{ echo "FAIL: $name: default run failed"; fail=1; return; }
	local ev
	ev=$(sed 's/.*"cache_evictions":\([0-9]*\).*/\1/' "$tmp/v.json")
	if [ "${ev:-0}" -lt 100 ]; then
		echo "FAIL: $name: only '$ev' evictions: the case does not exercise the victim scan"; fail=1; return
	fi
	if ! cmp -s "$tmp/s.log" "$tmp/v.log"; then
		echo "FAIL: $name: the decision logs differ"; diff "$tmp/s.log" "$tmp/v.log" | head -5; fail=1; return
	fi
	n=$((n + 1))
	echo "ok   $name: $(wc -l <"$tmp/v.log") decisions, $ev evictions, identical"
}

ZERO=(--cache-dev fixed:size=8M,read=0,write=0 --target-dev fixed:size=1G,read=0,write=0)
SLOW=(--cache-dev fixed:size=8M,read=100us,write=200us --target-dev fixed:size=1G,read=5ms,write=5ms)
check "fixed lru zero" "${ZERO[@]}" --quirks fixed --table "blocksize 8 assoc 4 writethrough options 2 lru evict_on_write"
check "fixed lru slow" "${SLOW[@]}" --quirks fixed --table "blocksize 8 assoc 4 writethrough options 2 lru evict_on_write"
check "fixed lfu wb slow" "${SLOW[@]}" --quirks fixed --table "blocksize 8 assoc 2 writeback options 1 evict_on_write"
check "fixed fifo slow" "${SLOW[@]}" --quirks fixed --table "blocksize 8 assoc 4 writethrough options 2 fifo evict_on_write"
check "seed lru slow" "${SLOW[@]}" --table "blocksize 8 assoc 4 writethrough options 2 lru evict_on_write"
check "seed lfu wb slow" "${SLOW[@]}" --table "blocksize 16 assoc 3 writeback options 1 evict_on_write"
check "seed lru zero" "${ZERO[@]}" --table "blocksize 8 assoc 1 writethrough options 2 lru evict_on_write"
[ "$fail" = 0 ] && echo "$n cases: the scalar and vector scans agree"
exit $fail
