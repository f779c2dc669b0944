#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# trace_csv.sh - the CSV readers on the command line: alibaba, tencent, --csv column maps,
# --time-unit and its plausibility warning, located errors on torture inputs, the options in
# run, sweep and replay; and trace stats' exact percentiles (values checked against a sort of
# `trace dump`'s gaps) and its "records skipped" for binary formats.
set -uo pipefail

: "${PROG:?PROG must be the absolute path of ssdcache-sim}"
top=$(cd "$(dirname "$0")/../.." && pwd)
td=$top/tests/traces/data/torture
. "$(dirname "$0")/lib/common.sh"
e2e_tmpdir

map='op=1,time=2:ms,sector=3,size=4:sectors,device=5,read=get,write=put,delim=tab'

# --- MSR layout with timestamps in seconds: read as 100 ns ticks, and said so ---
expect 0 "stats of MSR rows in seconds" -- "$PROG" trace stats "$td/msr_seconds.csv"
has_err "150 requests over 6.2e-06 s"
has_err "far faster than what block devices do"
has_err "--time-unit s: 62 s, 2.419 IOPS"
expect 0 "stats --time-unit s" -- "$PROG" trace stats --time-unit s "$td/msr_seconds.csv"
lacks_err "another unit"
has_out "time span    62.000 s"

# --- Alibaba: several disks go through --device like every other format ---
expect 2 "alibaba with two disks" -- "$PROG" trace dump "$td/alibaba_two_disks.csv"
has_err "0,0 (20 requests), 0,7 (20 requests); choose one with --device"
expect 0 "alibaba --device 0,7" -- "$PROG" trace dump --device 0,7 "$td/alibaba_two_disks.csv"
[ "$(wc -l <"$tmp/out")" -eq 20 ] || bad "alibaba 0,7: $(wc -l <"$tmp/out") records, expected 20"
[ "$(head -n 1 "$tmp/out")" = "250000 0,7 R 0 16" ] || bad "alibaba first record: $(head -n 1 "$tmp/out")"

# --- Tencent: BOM, header, CRLF, blanks; sectors and seconds ---
expect 0 "tencent with BOM and CRLF" -- "$PROG" trace dump "$td/tencent_bom_crlf.csv"
[ "$(sed -n 2p "$tmp/out")" = "0 0,1063 W 16 16" ] || bad "tencent record 2: $(sed -n 2p "$tmp/out")"
[ "$(tail -n 1 "$tmp/out")" = "4000000000 0,1063 W 304 16" ] || bad "tencent last: $(tail -n 1 "$tmp/out")"
expect 0 "tencent stats --json" -- "$PROG" trace stats --json "$td/tencent_bom_crlf.csv"
grep -q '"size_bytes": {"mean": 6144.0, "sd": [0-9.]*, "min": 4096, "max": 8192, "p50": 4096, "p90": 8192, "p99": 8192' "$tmp/out" ||
	bad "tencent size percentiles: $(grep -o '"size_bytes": {[^[]*' "$tmp/out")"

# --- a generic map: tab-separated, named disks, op words ---
expect 2 "generic map with two named disks" -- "$PROG" trace dump --csv "$map" "$td/generic_named.tsv"
has_err "0,524288 [sdb] (4 requests), 0,524289 [sda] (8 requests)"
expect 0 "generic map --device" -- "$PROG" trace dump --csv "$map" --device 0,524289 "$td/generic_named.tsv"
[ "$(wc -l <"$tmp/out")" -eq 8 ] || bad "generic map: $(wc -l <"$tmp/out") records, expected 8"
expect 0 "run with --csv" -- "$PROG" run --csv "$map" --device 0,524289 "$td/generic_named.tsv" --table "blocksize 8"
has_out "requests: 8 (4 reads, 4 writes"

# --- bad input: located errors, exit 1 ---
expect 1 "offset + length past 2^64" -- "$PROG" trace dump "$td/alibaba_huge_offset.csv"
has_err "alibaba_huge_offset.csv:2: field 4 (length): expected a range that ends inside 2^64 bytes, got '8192'"
expect 1 "negative offset" -- "$PROG" trace dump "$td/tencent_negative.csv"
has_err "tencent_negative.csv:2: field 2 (Offset): expected an offset in 512-byte sectors, got '-8'"
expect 1 "microseconds read as seconds overflow" -- "$PROG" trace dump --time-unit s --device 0,0 "$td/alibaba_two_disks.csv"
has_err "alibaba_two_disks.csv:1: field 5 (timestamp): expected a time in s (a number >= 0, at most 2^64 ns)"

# --- usage errors: exit 2 ---
expect 2 "bad --time-unit" -- "$PROG" trace stats --time-unit hours "$td/msr_seconds.csv"
has_err "bad --time-unit 'hours' (expected ns, us, ms, s or filetime)"
expect 2 "bad --csv" -- "$PROG" trace dump --csv time=1,op=2,size=3 "$td/generic_named.tsv"
has_err "the offset (or sector) column is missing"
expect 2 "--format csv without a map" -- "$PROG" trace dump --format csv "$td/generic_named.tsv"
has_err "--format csv needs the column map"
expect 2 "--time-unit on blkparse" -- "$PROG" trace dump --time-unit s "$top/data/traces/oltp_small/oltp_small.blkparse.txt"
has_err "--time-unit applies to the CSV formats"
expect 2 "run: bad --csv" -- "$PROG" run --csv nonsense "$td/generic_named.tsv"
has_err "bad --csv item 'nonsense'"

# --- the options in every command's help, and carried by sweep --emit-jobs ---
for c in "run" "replay" "sweep" "trace stats" "trace dump" "trace convert"; do
	# shellcheck disable=SC2086
	expect 0 "$c --help" -- "$PROG" $c --help
	has_out "--time-unit U"
	has_out "--csv MAP"
done
expect 0 "sweep --emit-jobs with --csv and --time-unit" -- \
	"$PROG" sweep "$td/generic_named.tsv" --csv "$map" --device 0,524289 --time-unit us \
	--blocksize 8,16 --emit-jobs --db "$tmp/x.db" --shard-dir "$tmp/shards"
has_out "--time-unit us --csv $map"
expect 0 "sweep on a --csv trace" -- "$PROG" sweep "$td/generic_named.tsv" --csv "$map" \
	--device 0,524289 --blocksize 8,16 --db "$tmp/y.db" -j 1 --no-progress
grep -qF "2 run now (2 ok" "$tmp/out" "$tmp/err" && ok "sweep: 2 runs ok" || bad "sweep: $(cat "$tmp/out" "$tmp/err" | head -c 400)"

# --- trace stats: exact percentiles, the skipped-count unit of binary formats ---
data=$top/data/traces/oltp_small
expect 0 "stats of a blkparse text" -- "$PROG" trace stats "$data/oltp_small.blkparse.txt"
has_out "p50 4 KiB, p90 256 KiB, p99 256 KiB, max 256 KiB"
has_out "p50 388.7 us, p90 20.00 ms, p99 20.05 ms"
has_out "stack distance p50 4440, p90 4587 blocks"
has_out "9749 lines skipped"
expect 0 "stats of a blktrace binary" -- "$PROG" trace stats "$data/oltp_small.blktrace.0"
has_out "records skipped"
if grep -q "lines skipped" "$tmp/out"; then bad "blktrace stats say 'lines'"; else ok "no 'lines' for blktrace"; fi

exit $fail
