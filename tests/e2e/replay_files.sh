#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The replay's files: created files are prefilled with real data unless
# --no-prefill (which says so), a sparse file is warned with its fraction of holes, requests
# beyond the end are warned and counted exactly as `run` counts them, the open-loop lag is
# reported and a replay that falls behind says so; utilisation and sizes are measured.
set -u
cd "$(dirname "$0")/../.."
E2E_OK="ok   " E2E_FAIL="FAIL "
. tests/e2e/lib/common.sh
e2e_tmpdir
alloc() { echo $(( $(stat -c %b "$1") * $(stat -c %B "$1") )); }
py() { jpy "$tmp/j" "$1"; }

"$PROG" trace gen --requests 3000 --device-size 48M --read-ratio 0.7 --arrival poisson:3000 --seed 3 \
	-o "$tmp/small.txt" 2>/dev/null || { echo "FAIL trace gen"; exit 1; }
S=(replay "$tmp/small.txt" --table "blocksize 8 assoc 4 writethrough" --json)

# a created target and cache are filled with data before the replay: no holes afterwards
"$PROG" "${S[@]}" --cache "$tmp/c.img" --cache-create 8M --target "$tmp/t.img" --target-create 64M \
	--qd 16 > "$tmp/j" 2> "$tmp/err" || { bad "replay with prefill: $(cat "$tmp/err")"; }
[ "$(alloc "$tmp/t.img")" -ge $((64 << 20)) ] && [ "$(alloc "$tmp/c.img")" -ge $((8 << 20)) ] \
	&& ! grep -q "sparse\|hole" "$tmp/err" && ok "--target-create/--cache-create prefill: fully allocated, no warning" \
	|| bad "prefill: allocated $(alloc "$tmp/t.img") / $(alloc "$tmp/c.img"); $(cat "$tmp/err")"
[ "$(py 'd["prefilled"]["target"], d["device_size"]["target"], d["measured"]')" = "(67108864, 67108864, True)" ] \
	&& ok "JSON: prefilled and device_size" || bad "JSON prefilled: $(py 'd["prefilled"], d["device_size"]')"
[ "$(py '"size=67108864" in d["devices"]["target"]["spec"] and 0 < d["devices"]["target"]["utilisation"] <= 1')" = True ] \
	&& ok "device size in the spec, utilisation measured from busy time" || bad "spec/util: $(py 'd["devices"]["target"]')"
# the database gets the sizes and the measured utilisation
"$PROG" "${S[@]}" --cache "$tmp/c.img" --target "$tmp/t.img" --qd 16 --db "$tmp/r.db" > /dev/null 2>&1
[ "$(sqlite3 "$tmp/r.db" "select cache_size, target_size from runs")" = "8388608|67108864" ] \
	&& [ "$(sqlite3 "$tmp/r.db" "select count(*) from device_stats where util > 0 and util <= 1 and busy_ns > 0")" = 2 ] \
	&& ok "database: device sizes, busy time and utilisation" || bad "db: $(sqlite3 "$tmp/r.db" "select cache_size, target_size from runs; select * from device_stats")"
# the data is ours: a prefill sector at 1 MiB says it is target sector 2048
python3 - "$tmp/t.img" <<'PY' && ok "prefill sectors carry their header" || bad "prefill content"
import struct, sys
f = open(sys.argv[1], 'rb'); f.seek(2048 * 512); h = f.read(32)
magic, crc, run, pad, sector, gen = struct.unpack('<IIIIQQ', h)
assert magic == 0x53534443 and run == 0 and sector == 2048 and gen == 0, (hex(magic), run, sector, gen)
PY

# --no-prefill: created files stay sparse, and the replay says what that means
"$PROG" "${S[@]}" --cache "$tmp/c2.img" --cache-create 8M --target "$tmp/t2.img" --target-create 64M \
	--qd 16 --no-prefill > /dev/null 2> "$tmp/err"
grep -q -- "--no-prefill: the 64 MiB of $tmp/t2.img that --target-create added is a hole: reads there touch no device" "$tmp/err" \
	&& [ "$(alloc "$tmp/t2.img")" -lt $((32 << 20)) ] && ok "--no-prefill warns and leaves holes" || bad "--no-prefill: $(cat "$tmp/err")"

# an existing sparse file: a warning with the fraction of holes (half of it written here)
dd if=/dev/urandom of="$tmp/half.img" bs=1M count=32 status=none && truncate -s 64M "$tmp/half.img"
"$PROG" "${S[@]}" --cache "$tmp/c.img" --target "$tmp/half.img" --qd 16 > /dev/null 2> "$tmp/err"
grep -q "warning: $tmp/half.img is sparse: 50.0 % of it is holes" "$tmp/err" && ok "sparse file: 50.0 % holes warned" \
	|| bad "sparse warning: $(cat "$tmp/err")"

# beyond the end: warned and counted as `run` counts them (the same target size)
T=data/traces/oltp_small/oltp_small.blkparse.txt
"$PROG" run "$T" --target-dev fixed:size=1G --json --quiet > "$tmp/run.json"
"$PROG" replay "$T" --cache "$tmp/c.img" --target "$tmp/t1g.img" --target-create 1G --no-prefill --qd 32 \
	--json > "$tmp/j" 2> "$tmp/err"
want=$(python3 -c "import json; print(json.load(open('$tmp/run.json'))['requests']['skipped_beyond_end'])")
got=$(py 'd["requests"]["skipped_beyond_end"]')
[ "$want" -gt 0 ] && [ "$got" = "$want" ] && grep -q "warning: $want requests reach beyond the end of the target (1073741824 bytes) and were skipped" "$tmp/err" \
	&& ok "beyond the end: $got skipped and warned, as run counts them" || bad "beyond end: run $want, replay $got: $(cat "$tmp/err")"

# open loop: every request's lag is measured; at a million times the trace's speed (11 us for 2481 requests) the replay falls behind
"$PROG" "${S[@]}" --cache "$tmp/c.img" --target "$tmp/t.img" --max-requests 500 > "$tmp/j" 2> "$tmp/err"
[ "$(py 'd["lag_ns"]["count"] == 500 and d["lag_ns"]["p50"] <= d["lag_ns"]["p99"] <= d["lag_ns"]["max"] and "late_requests" in d')" = True ] \
	&& ok "open loop: lag_ns for every request ($(py 'd["lag_ns"]'))" || bad "lag: $(py 'd.get("lag_ns")')"
# every io_uring_submit is timed (the longest took some time; stalls are the calls > 100 us)
[ "$(py 'd["submit_max_ns"] > 0 and 0 <= d["submit_stalls"] <= 1000 and (d["submit_stalls"] > 0) == (d["submit_max_ns"] > 100000)')" = True ] \
	&& ok "open loop: submission stalls $(py 'd["submit_stalls"]'), longest $(py 'd["submit_max_ns"]') ns" || bad "stalls: $(py 'd.get("submit_stalls"), d.get("submit_max_ns")')"
"$PROG" replay "$tmp/small.txt" --cache "$tmp/c.img" --target "$tmp/t.img" --max-requests 100 --speed 10 2>&1 \
	| grep -q "^submission stalls (measured: io_uring_submit calls longer than 100 us.*): [0-9]*, longest " \
	&& ok "text: the submission stalls line" || bad "no submission stalls line"
"$PROG" replay "$T" --cache "$tmp/c.img" --target "$tmp/t1g.img" --speed 1000000 --json > "$tmp/j" 2> "$tmp/err"
[ "$(py 'd["late_requests"] > 0 and d["lag_ns"]["max"] > 1e6')" = True ] && grep -q "warning: the replay fell behind the trace" "$tmp/err" \
	&& ok "--speed 1000000: $(py 'd["late_requests"]') late requests, warned" || bad "fell behind: $(py 'd["late_requests"]'): $(cat "$tmp/err")"
"$PROG" replay "$tmp/small.txt" --cache "$tmp/c.img" --target "$tmp/t.img" --max-requests 300 --qd 4 > "$tmp/out" 2>&1
grep -q "over [0-9.]* s measured" "$tmp/out" && ! grep -q simulated "$tmp/out" && grep -q "utilisation" "$tmp/out" \
	&& ok "text: measured, never simulated; utilisation shown" || bad "wording: $(grep -n 'simulated\|measured' "$tmp/out")"
# --realtime: the loop runs SCHED_FIFO (granted to root / CAP_SYS_NICE; otherwise a warning, never an error)
"$PROG" "${S[@]}" --cache "$tmp/c.img" --target "$tmp/t.img" --max-requests 200 --realtime > "$tmp/j" 2> "$tmp/err"
rc=$?
if chrt -f 1 true 2> /dev/null; then
	[ $rc -eq 0 ] && [ "$(py 'd["realtime"]')" = True ] && ok "--realtime: SCHED_FIFO granted and reported" \
		|| bad "--realtime (privileged): rc $rc, $(py 'd.get("realtime")'): $(cat "$tmp/err")"
else
	[ $rc -eq 0 ] && [ "$(py 'd["realtime"]')" = False ] && grep -q "warning: --realtime: SCHED_FIFO refused" "$tmp/err" \
		&& ok "--realtime refused: warned, the replay runs" || bad "--realtime (unprivileged): rc $rc: $(cat "$tmp/err")"
fi
"$PROG" "${S[@]}" --cache "$tmp/c.img" --target "$tmp/t.img" --max-requests 200 > "$tmp/j" 2> "$tmp/err"
[ "$(py 'd["realtime"]')" = False ] && ok "without --realtime: realtime false" || bad "realtime default: $(py 'd.get("realtime")')"
# the files and the I/O buffers are registered with the ring (read_fixed / write_fixed)
[ "$(py 'd["io_uring"]')" = "{'registered_files': True, 'fixed_buffers': True}" ] \
	&& ok "io_uring: registered files and fixed buffers" || bad "io_uring: $(py 'd.get("io_uring")')"
exit $fail
