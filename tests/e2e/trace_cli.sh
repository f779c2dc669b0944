#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# trace_cli.sh - ssdcache-sim trace gen|stats|convert|dump on the command line: help, exit
# statuses (0 ok, 1 bad input, 2 bad usage), located messages, the dump format, .sct round trips.
set -uo pipefail

: "${PROG:?PROG must be the absolute path of ssdcache-sim}"
top=$(cd "$(dirname "$0")/../.." && pwd)
data=$top/data/traces
td=$top/tests/traces/data
. "$(dirname "$0")/lib/common.sh"
e2e_tmpdir

# --- help and usage ---
expect 0 "trace --help" -- "$PROG" trace --help
for sub in gen stats convert dump; do
	expect 0 "trace $sub --help" -- "$PROG" trace "$sub" --help
	grep -q "usage: ssdcache-sim trace $sub" "$tmp/out" || bad "trace $sub --help has no usage line"
done
expect 2 "no subcommand" -- "$PROG" trace
expect 2 "unknown subcommand" -- "$PROG" trace frobnicate
expect 2 "dump without a file" -- "$PROG" trace dump
expect 2 "unknown option" -- "$PROG" trace dump --nope x
expect 2 "bad --event" -- "$PROG" trace dump --event X "$td/msr_hm_0.csv"
has_err "bad --event 'X' (expected Q, D or C)"
expect 2 "bad --device" -- "$PROG" trace stats --device 8 "$td/msr_hm_0.csv"
expect 2 "bad --format" -- "$PROG" trace dump --format xls "$td/msr_hm_0.csv"
has_err "unknown format 'xls'"
expect 2 "bad --pattern" -- "$PROG" trace gen --pattern zipf
expect 2 "bad zipf theta" -- "$PROG" trace gen --pattern zipf:0
has_err "zipf's theta must be > 0"
expect 2 "several devices" -- "$PROG" trace dump "$td/spc_financial.spc"
has_err "the trace holds several devices: 0,0 (3 requests), 0,1 (2 requests); choose one with --device MAJ,MIN"
expect 0 "--device picks one" -- "$PROG" trace dump --device 0,1 "$td/spc_financial.spc"
[ "$(wc -l <"$tmp/out")" -eq 2 ] || bad "--device 0,1 should give 2 requests"
expect 1 "missing file" -- "$PROG" trace dump /nonexistent/trace.txt
has_err "/nonexistent/trace.txt: No such file or directory"
expect 2 "--event D on MSR" -- "$PROG" trace dump --event D "$td/msr_hm_0.csv"
has_err "--event D applies to blkparse and blktrace traces only"

# --- bad input: located message, exit 1; --lenient: skipped, counted, first reported ---
head -3 "$data/oltp_small/oltp_small.blkparse.txt" >"$tmp/bad.txt"
echo "  7,0    0        9     0.000100000 21440  Q  QX 69896 + 8 [dd]" >>"$tmp/bad.txt"
head -12 "$data/oltp_small/oltp_small.blkparse.txt" | tail -6 >>"$tmp/bad.txt"
expect 1 "malformed RWBS" -- "$PROG" trace dump --device 7,0 "$tmp/bad.txt"
has_err "bad.txt:4: field 7 (RWBS): expected RWBS as [F](D|W|R|N)[F][A][S][M] or (D|W|R|N)[A]B[S][M], got 'QX'"
[ "$(wc -l <"$tmp/out")" -eq 1 ] || bad "the request before the bad line should be dumped"
expect 1 "malformed RWBS (pre-scan)" -- "$PROG" trace stats "$tmp/bad.txt"
has_err "bad.txt:4: field 7 (RWBS)"
expect 0 "--lenient" -- "$PROG" trace dump --lenient "$tmp/bad.txt"
has_err "skipped 1 malformed records; the first: $tmp/bad.txt:4: field 7 (RWBS)"
[ "$(wc -l <"$tmp/out")" -eq 2 ] || bad "--lenient should dump the 2 good requests"
head -c 100 "$data/oltp_small/oltp_small.blktrace.0" >"$tmp/cut.blktrace.0"
expect 1 "truncated binary" -- "$PROG" trace dump "$tmp/cut.blktrace.0"
has_err "cut.blktrace.0: offset 0x40: record truncated (36 of 48 bytes)"

# --- dump: the exact line format ---
expect 0 "dump oltp_small" -- "$PROG" trace dump "$data/oltp_small/oltp_small.blkparse.txt"
[ "$(head -1 "$tmp/out")" = "0 7,0 RM 69896 8" ] || bad "first dump line: $(head -1 "$tmp/out")"
grep -q '^983219881 7,0 FWS 0 0$' "$tmp/out" && ok "empty flush dumped as sector 0, size 0" ||
	bad "the empty flush at 0.983219881 should dump as '983219881 7,0 FWS 0 0'"
[ "$(wc -l <"$tmp/out")" -eq 2481 ] || bad "oltp_small should dump 2481 requests"
expect 0 "dump --event C" -- "$PROG" trace dump --event C "$data/oltp_small/oltp_small.blkparse.txt"
grep -q '^10948573230 7,0 WSM 0 0$' "$tmp/out" && ok "zero-byte completion dumped as 0 0" || bad "last C line"
grep -q '^10948559664 7,0 FN 0 0$' "$tmp/out" && ok "flush completion" || bad "FN completion line"
expect 0 "dump --event D --long" -- "$PROG" trace dump --event D --long "$data/nvme_sample/sample.blktrace.0"
[ "$(head -1 "$tmp/out")" = "1676 259,0 RA 2348060440 8 21279 55316 []" ] || bad "nvme D line: $(head -1 "$tmp/out")"
has_err "records carry cpu 1"

# --- convert and .sct ---
for f in "$data/oltp_small/oltp_small.blkparse.txt" "$data/build/build.blktrace.1" "$td/iolog_v2.log"; do
	for ev in Q D; do
		case $f in *iolog*) [ $ev = D ] && continue ;; esac
		o=$tmp/$(basename "$f").$ev.sct
		expect 0 "convert $(basename "$f") --event $ev" -- "$PROG" trace convert --event "$ev" "$f" "$o"
		"$PROG" trace dump --long --event "$ev" "$f" >"$tmp/a" 2>/dev/null
		"$PROG" trace dump --long "$o" >"$tmp/b"
		cmp -s "$tmp/a" "$tmp/b" && ok ".sct of $(basename "$f") ($ev) dumps the same" ||
			bad ".sct of $(basename "$f") ($ev) differs"
		n=$(wc -l <"$tmp/a")
		size=$(stat -c %s "$o")
		[ "$size" -ge $((256 + 64 * n)) ] && [ "$size" -lt $((256 + 64 * n + 4096)) ] ||
			bad ".sct size $size for $n records"
	done
done
expect 2 ".sct holds its event" -- "$PROG" trace dump --event D "$tmp/oltp_small.blkparse.txt.Q.sct"
has_err "converted with --event Q"
expect 0 "stats of .sct" -- "$PROG" trace stats "$tmp/oltp_small.blkparse.txt.Q.sct"
grep -q "requests     2481" "$tmp/out" || bad "stats of the .sct should count 2481 requests"

# --- stats ---
expect 0 "stats --json" -- "$PROG" trace stats --json "$data/oltp_small/oltp_small.blkparse.txt"
if command -v python3 >/dev/null; then
	python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["requests"]==2481 and d["reads"]==1062 and d["footprint_blocks"]==5938, d' <"$tmp/out" &&
		ok "stats --json parses and counts" || bad "stats --json"
else
	grep -q '"requests": 2481, "reads": 1062' "$tmp/out" && ok "stats --json counts (python3 absent: not parsed)" || bad "stats --json"
fi
expect 0 "stats --blocksize 64K" -- "$PROG" trace stats --json --blocksize 64K "$data/oltp_small/oltp_small.blkparse.txt"
grep -q '"block_bytes": 65536, "footprint_blocks": ' "$tmp/out" || bad "--blocksize 64K"
expect 2 "stats --blocksize 1000" -- "$PROG" trace stats --blocksize 1000 "$td/msr_hm_0.csv"

# --- gen: same seed, same trace; blkparse text and .sct agree ---
g="--requests 3000 --pattern zipf:0.9@70+seq:16@30 --size 4K@70,64K@30 --arrival poisson:5000 --seed 7"
expect 0 "gen blkparse" -- "$PROG" trace gen $g -o "$tmp/g1.txt"
expect 0 "gen again" -- "$PROG" trace gen $g -o "$tmp/g2.txt"
cmp -s "$tmp/g1.txt" "$tmp/g2.txt" && ok "same seed, same trace" || bad "gen is not deterministic"
expect 0 "gen other seed" -- "$PROG" trace gen $g --seed 8 -o "$tmp/g3.txt"
cmp -s "$tmp/g1.txt" "$tmp/g3.txt" && bad "another seed gave the same trace" || ok "another seed, another trace"
expect 0 "gen .sct" -- "$PROG" trace gen $g -o "$tmp/g.sct"
"$PROG" trace dump "$tmp/g1.txt" >"$tmp/a"
"$PROG" trace dump "$tmp/g.sct" >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" && ok "gen text and .sct hold the same requests" || bad "gen text vs .sct"
[ "$(wc -l <"$tmp/a")" -eq 3000 ] || bad "gen --requests 3000"
expect 0 "gen to stdout" -- "$PROG" trace gen --requests 3 --arrival fixed:1ms
[ "$(grep -c ' Q ' "$tmp/out")" -eq 3 ] || bad "3 Q lines on stdout"
grep -q '^  8,0    0        1     0.000000000  4242  Q   W' "$tmp/out" ||
	grep -q '^  8,0    0        1     0.000000000  4242  Q   R' "$tmp/out" || bad "blkparse line layout: $(head -1 "$tmp/out")"
expect 0 "gen --duration" -- "$PROG" trace gen --duration 1s --arrival fixed:10ms -o "$tmp/d.sct"
"$PROG" trace dump "$tmp/d.sct" >"$tmp/a"
[ "$(wc -l <"$tmp/a")" -eq 100 ] || bad "1 s at one request per 10 ms is 100 requests"

exit $fail
