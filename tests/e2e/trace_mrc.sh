#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# trace_mrc.sh - ssdcache-sim trace mrc on the command line: the textbook reference string as an
# MSR trace (exact LRU / FIFO / OPT fault counts in the exact JSON format), multi-block requests,
# --reads-only, --blocksize, auto sizes, the reader options, and the usage and data errors.
set -uo pipefail

: "${PROG:?PROG must be the absolute path of ssdcache-sim}"
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/lib/common.sh"
e2e_tmpdir

# Silberschatz's reference string, one 4 KiB read per page: 3 frames give FIFO 15 faults,
# LRU 12, OPT 9; 6 distinct pages.
t=0
for p in 7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1; do
	t=$((t + 10000))
	echo "$t,hm,0,Read,$((p * 4096)),4096,100"
done >"$tmp/ref.csv"

expect 0 "mrc --help" -- "$PROG" trace mrc --help
grep -q "usage: ssdcache-sim trace mrc" "$tmp/out" || bad "mrc --help has no usage line"
expect 0 "trace --help lists mrc" -- "$PROG" trace --help
grep -q "mrc " "$tmp/out" || bad "trace --help does not list mrc"

expect 0 "textbook string, 3 frames, json" -- "$PROG" trace mrc "$tmp/ref.csv" --sizes 12K --json
same "json, exactly" '{"mrc":[{"policy":"lru","size_bytes":12288,"accesses":20,"misses":12,"miss_ratio":0.600000},{"policy":"fifo","size_bytes":12288,"accesses":20,"misses":15,"miss_ratio":0.750000},{"policy":"opt","size_bytes":12288,"accesses":20,"misses":9,"miss_ratio":0.450000}]}' "$tmp/out"
if command -v python3 >/dev/null; then
	python3 -c 'import json,sys; d=json.load(sys.stdin); assert [e["misses"] for e in d["mrc"]]==[12,15,9]' <"$tmp/out" &&
		ok "json parses" || bad "json does not parse"
fi

expect 0 "policy order as given, sizes sorted" -- "$PROG" trace mrc "$tmp/ref.csv" --sizes 24K,12K,12K --policy opt,lru --json
same "two policies, two sizes" '{"mrc":[{"policy":"opt","size_bytes":12288,"accesses":20,"misses":9,"miss_ratio":0.450000},{"policy":"opt","size_bytes":24576,"accesses":20,"misses":6,"miss_ratio":0.300000},{"policy":"lru","size_bytes":12288,"accesses":20,"misses":12,"miss_ratio":0.600000},{"policy":"lru","size_bytes":24576,"accesses":20,"misses":6,"miss_ratio":0.300000}]}' "$tmp/out"

# Text: the table has a row per size; auto sizes end at the footprint (6 blocks = 24 KiB).
expect 0 "text table, auto sizes" -- "$PROG" trace mrc "$tmp/ref.csv"
grep -q "20 accesses (20 reads), 6 distinct blocks (24 KiB)" "$tmp/out" || bad "text header: $(head -3 "$tmp/out")"
[ "$(grep -c 'KiB  ' "$tmp/out")" -eq 4 ] || bad "auto sizes: expected 4 KiB, 8 KiB, 16 KiB, 24 KiB rows: $(cat "$tmp/out")"
grep -qE '^ +24 KiB +6 +6 +30.00% +6 +30.00% +6 +30.00%$' "$tmp/out" && ok "footprint row" || bad "footprint row: $(tail -1 "$tmp/out")"

# A request spanning blocks is one access per block; a write followed by reads of its blocks:
# with --reads-only the reads hit (the write filled the cache) and only they are counted.
cat >"$tmp/multi.csv" <<'CSV'
10000,hm,0,Write,0,16384,100
20000,hm,0,Read,4096,8192,100
30000,hm,0,Read,12288,4096,100
CSV
expect 0 "multi-block requests" -- "$PROG" trace mrc "$tmp/multi.csv" --sizes 16K --policy lru --json
same "4 + 2 + 1 accesses, 4 cold misses" '{"mrc":[{"policy":"lru","size_bytes":16384,"accesses":7,"misses":4,"miss_ratio":0.571429}]}' "$tmp/out"
expect 0 "--reads-only" -- "$PROG" trace mrc "$tmp/multi.csv" --sizes 16K --policy lru --reads-only --json
same "3 reads, all hits" '{"mrc":[{"policy":"lru","size_bytes":16384,"accesses":3,"misses":0,"miss_ratio":0.000000}]}' "$tmp/out"
expect 0 "--blocksize 16K" -- "$PROG" trace mrc "$tmp/multi.csv" --blocksize 16K --sizes 16K --policy fifo --json
same "one block: 3 accesses, 1 miss" '{"mrc":[{"policy":"fifo","size_bytes":16384,"accesses":3,"misses":1,"miss_ratio":0.333333}]}' "$tmp/out"

# --sample 1 is exact; a sampled run says so in the table.
expect 0 "--sample 1" -- "$PROG" trace mrc "$tmp/ref.csv" --sizes 12K --json --sample 1
grep -q '"misses":12,' "$tmp/out" || bad "--sample 1 is not exact: $(cat "$tmp/out")"
"$PROG" trace gen --requests 20000 --pattern zipf:0.9 --seed 3 -o "$tmp/gen.sct" 2>/dev/null
expect 0 "--sample 0.5 on a generated trace" -- "$PROG" trace mrc "$tmp/gen.sct" --sample 0.5 --policy lru
grep -q "^sampled      rate 0.5:" "$tmp/out" || bad "sampled run does not say so"

# --stream (LRU counted while reading, no sequence kept): the same curve as the default.
for ro in "" --reads-only; do
	"$PROG" trace mrc "$tmp/gen.sct" --policy lru --json $ro >"$tmp/lru.json" 2>/dev/null
	expect 0 "--stream $ro" -- "$PROG" trace mrc "$tmp/gen.sct" --stream --json $ro
	cmp -s "$tmp/out" "$tmp/lru.json" && ok "--stream $ro: the same curve" || bad "--stream $ro differs: $(head -c 200 "$tmp/out")"
done
expect 0 "--stream --sample" -- "$PROG" trace mrc "$tmp/gen.sct" --stream --sample 0.5 --json
"$PROG" trace mrc "$tmp/gen.sct" --policy lru --sample 0.5 --json >"$tmp/lru.json" 2>/dev/null
cmp -s "$tmp/out" "$tmp/lru.json" && ok "--stream --sample: the same curve" || bad "--stream --sample differs"
expect 2 "--stream with opt" -- "$PROG" trace mrc "$tmp/gen.sct" --stream --policy lru,opt
has_err "--stream computes LRU only"

# Reader options go through the reader's own parser.
expect 0 "--format msr" -- "$PROG" trace mrc --format msr "$tmp/ref.csv" --sizes 12K --policy lru --json
expect 2 "bad --event" -- "$PROG" trace mrc --event X "$tmp/ref.csv"
has_err "bad --event 'X' (expected Q, D or C)"
expect 2 "--event on MSR" -- "$PROG" trace mrc --event D "$tmp/ref.csv"

# Usage errors (exit 2) and data errors (exit 1, located).
expect 2 "no file" -- "$PROG" trace mrc
expect 2 "two files" -- "$PROG" trace mrc "$tmp/ref.csv" "$tmp/ref.csv"
expect 2 "unknown option" -- "$PROG" trace mrc --nope "$tmp/ref.csv"
expect 2 "unknown policy" -- "$PROG" trace mrc "$tmp/ref.csv" --policy lru,lfu
has_err "bad --policy 'lru,lfu' (distinct names of lru, fifo, opt)"
expect 2 "repeated policy" -- "$PROG" trace mrc "$tmp/ref.csv" --policy lru,lru
expect 2 "size below a block" -- "$PROG" trace mrc "$tmp/ref.csv" --sizes 1K
has_err "bad --sizes '1K' at '1K'"
expect 2 "bad size" -- "$PROG" trace mrc "$tmp/ref.csv" --sizes 4K,lots
has_err "at 'lots'"
expect 2 "bad --sample" -- "$PROG" trace mrc "$tmp/ref.csv" --sample 0
expect 2 "bad --sample 2" -- "$PROG" trace mrc "$tmp/ref.csv" --sample 2
expect 2 "bad --blocksize" -- "$PROG" trace mrc "$tmp/ref.csv" --blocksize 1000
expect 1 "missing file" -- "$PROG" trace mrc /nonexistent/t.csv
has_err "/nonexistent/t.csv"
cp "$tmp/ref.csv" "$tmp/badline.csv"
echo "999999,hm,0,Read,notanumber,4096,100" >>"$tmp/badline.csv"
expect 1 "malformed record" -- "$PROG" trace mrc "$tmp/badline.csv" --sizes 12K
has_err "badline.csv:21:"
[ -s "$tmp/out" ] && bad "a failed read printed a curve" || ok "nothing printed on a bad trace"
expect 0 "--lenient skips it" -- "$PROG" trace mrc --lenient "$tmp/badline.csv" --sizes 12K --policy lru --json
grep -q '"misses":12,' "$tmp/out" || bad "--lenient curve: $(cat "$tmp/out")"
has_err "skipped 1 malformed records"

# An empty trace is an error (no requests), and so is --reads-only on writes only: a curve
# of 0 of 0 accesses would read as "never missed".
: >"$tmp/empty.csv"
expect 1 "empty trace" -- "$PROG" trace mrc --format msr "$tmp/empty.csv" --json
has_err "empty.csv: no requests"
[ -s "$tmp/out" ] && bad "empty trace printed: $(cat "$tmp/out")"
sed 's/,Read,/,Write,/' "$tmp/ref.csv" >"$tmp/writes.csv"
expect 1 "--reads-only on writes only" -- "$PROG" trace mrc "$tmp/writes.csv" --reads-only --json
has_err "writes.csv: no reads to count (--reads-only on a trace of writes only)"

exit $fail
