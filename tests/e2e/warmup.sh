#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# --warmup N|TIME|P% through run, sweep, replay, JSON and the database, on a hand-made trace
# whose counts after the warm-up are derived by hand (tests/sim/test_warmup.c has the same).
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib/common.sh
e2e_tmpdir
# Block A read 3 times in the first second (with a write of C), then B twice and A twice.
# After a warm-up of 4 requests (= 1 s = 50 %): 4 read pieces, 3 hits, 1 compulsory miss,
# 1 target read; the whole run: 7 read pieces, 5 hits.
T=$tmp/w.blkparse
cat > "$T" <<'TR'
  8,0    0        1     0.000000000  1000  Q   R 0 + 8 [t]
  8,0    0        2     0.100000000  1000  Q   R 0 + 8 [t]
  8,0    0        3     0.200000000  1000  Q   W 4096 + 8 [t]
  8,0    0        4     0.300000000  1000  Q   R 0 + 8 [t]
  8,0    0        5     1.000000000  1000  Q   R 8192 + 8 [t]
  8,0    0        6     1.100000000  1000  Q   R 8192 + 8 [t]
  8,0    0        7     1.200000000  1000  Q   R 0 + 8 [t]
  8,0    0        8     1.300000000  1000  Q   R 0 + 8 [t]
TR
A=(--table "blocksize 8 assoc 4 writethrough" --explain-misses)

# the status lines (everything before the summary's blank line) are the same with a warm-up
"$PROG" run "$T" "${A[@]}" > "$tmp/base.txt" || fail=1
sed '/^$/q' "$tmp/base.txt" > "$tmp/base.status"
for w in 4 1s 50%; do
	"$PROG" run "$T" "${A[@]}" --warmup "$w" > "$tmp/w.txt" || { echo "FAIL run --warmup $w"; fail=1; }
	sed '/^$/q' "$tmp/w.txt" | cmp -s - "$tmp/base.status" && echo "ok   --warmup $w: status lines unchanged" \
		|| { echo "FAIL --warmup $w changed the status lines"; fail=1; }
	grep -q '^read hit ratio: 0.7500 (3 of 4 read pieces' "$tmp/w.txt" && grep -q '^warm-up: --warmup' "$tmp/w.txt" \
		&& echo "ok   --warmup $w: 3 of 4 read pieces hit after the warm-up" \
		|| { echo "FAIL --warmup $w summary:"; cat "$tmp/w.txt"; fail=1; }
done
grep -q '^read hit ratio: 0.7143 (5 of 7' "$tmp/base.txt" || { echo "FAIL baseline"; fail=1; }

# JSON: the warm-up as given and where counting started; statistics after it; a .sct's
# header gives P%'s count (the text file was counted in a first pass)
"$PROG" trace convert "$T" "$tmp/w.sct" > /dev/null 2>&1 || { echo "FAIL trace convert"; fail=1; }
"$PROG" run "$T" "${A[@]}" --json > "$tmp/j0" || fail=1
for w in 4 1s 50% sct:50%; do
	tr=$T
	[ "${w#sct:}" != "$w" ] && { tr=$tmp/w.sct; w=${w#sct:}; }
	"$PROG" run "$tr" "${A[@]}" --warmup "$w" --json > "$tmp/j" || { echo "FAIL json $w"; fail=1; }
	python3 - "$tmp/j" "$tmp/j0" "$w" <<'PY' || fail=1
import json, sys
d, b, w = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
assert b["warmup"] is None, b["warmup"]
wu = d["warmup"]
kind = {"4": "requests", "1s": "time", "50%": "percent"}[w]
assert wu["spec"] == w and wu["kind"] == kind, wu
assert wu["requests"] == (4 if kind == "requests" else None), wu
assert wu["time_ns"] == (10**9 if kind == "time" else None), wu
assert wu["percent"] == (50 if kind == "percent" else None), wu
assert wu["trace_records"] == (8 if kind == "percent" else None), wu
assert wu["start_request"] == 4 and wu["start_ns"] == 10**9 and wu["measured"] == 4, wu
assert d["status_info"] == b["status_info"] and d["counters"] == b["counters"]
assert d["requests"]["total"] == 8 and d["requests"]["reads"] == 4 and d["requests"]["writes"] == 0
assert d["read_hit_ratio"] == 0.75 and abs(b["read_hit_ratio"] - 5 / 7) < 1e-6
assert d["outcomes"]["READ_CLEAN"] == 3 and d["outcomes"]["READ_MISS"] == 1 and d["outcomes"]["WRITE_MISS"] == 0
assert d["latency_op"]["read"]["count"] == 4 and d["latency_class"]["read_hit"]["count"] == 3
assert d["miss_explanation"]["compulsory"] == 1 and b["miss_explanation"]["compulsory"] == 2
assert d["devices"]["target"]["reads"] == 1 and d["devices"]["target"]["writes"] == 0, d["devices"]
assert b["devices"]["target"]["reads"] == 2 and b["devices"]["target"]["writes"] == 1
assert [s["start_ns"] for s in d["series"]] == [10**9] and d["series"][0]["read_hits"] == 3
print("ok   json --warmup %s: %s" % (w, wu))
PY
done

# the database: the warm-up columns
"$PROG" run "$T" "${A[@]}" --warmup 1s --db "$tmp/r.db" > /dev/null || fail=1
"$PROG" run "$T" "${A[@]}" --db "$tmp/r.db" > /dev/null || fail=1
got=$(sqlite3 "$tmp/r.db" "SELECT quote(warmup), quote(warmup_requests), quote(warmup_time_ns), quote(warmup_percent),
	quote(s.warmup_start_request), quote(s.warmup_start_ns), s.read_pieces, s.read_hit_ratio
	FROM runs JOIN results s USING (run_id) ORDER BY run_id" | tr '\n' ' ')
[ "$got" = "'1s'|NULL|1000000000|NULL|4|1000000000|4|0.75 NULL|NULL|NULL|NULL|NULL|NULL|7|0.714285714285714 " ] \
	&& echo "ok   database records the warm-up" || { echo "FAIL database: $got"; fail=1; }

# sweep: records it (P% from the .sct conversion's count); the same warm-up resumes, another
# one is another configuration
"$PROG" sweep "$T" --blocksize 8,16 --db "$tmp/s.db" --warmup 50% -j 1 --no-progress > /dev/null 2>&1 || { echo "FAIL sweep"; fail=1; }
"$PROG" sweep "$T" --blocksize 8,16 --db "$tmp/s.db" --warmup 50% -j 1 --no-progress > "$tmp/out" 2>&1
grep -q "0 run now" "$tmp/out" || { echo "FAIL sweep resume: $(cat "$tmp/out")"; fail=1; }
"$PROG" sweep "$T" --blocksize 8 --db "$tmp/s.db" --warmup 2 -j 1 --no-progress > "$tmp/out" 2>&1
grep -q "1 run now" "$tmp/out" || { echo "FAIL sweep other warm-up: $(cat "$tmp/out")"; fail=1; }
got=$(sqlite3 "$tmp/s.db" "SELECT block_size, warmup, s.warmup_start_request, s.read_pieces FROM runs JOIN results s
	USING (run_id) ORDER BY run_id" | tr '\n' ' ')
[ "$got" = "8|50%|4|4 16|50%|4|4 8|2|2|5 " ] && echo "ok   sweep records the warm-up: $got" \
	|| { echo "FAIL sweep rows: $got"; fail=1; }
"$PROG" sweep "$T" --blocksize 8 --db "$tmp/s.db" --warmup 1 -j 1 --emit-jobs 2>/dev/null | grep -q -- "--warmup 1 " \
	&& echo "ok   sweep --emit-jobs passes --warmup" || { echo "FAIL emit-jobs"; fail=1; }

# errors: a warm-up that leaves nothing is a runtime error (1); bad syntax a usage error (2)
expect_in 1 "the warm-up is longer than the trace (8 requests simulated)" "$PROG" run "$T" --warmup 8
expect_in 1 "nothing left to measure" "$PROG" run "$T" --warmup 2s
expect_in 2 "expected N (requests), TIME with a unit" "$PROG" run "$T" --warmup 5x
expect_in 2 "expected N (requests)" "$PROG" run "$T" --warmup -3
expect_in 2 "a percentage must be below 100" "$PROG" run "$T" --warmup 100%
expect_in 2 "is not a regular file (a pipe" bash -c "\"$PROG\" run <(cat \"$T\") --warmup 10%"
expect_in 0 "warm-up: --warmup 4: 4 requests" bash -c "\"$PROG\" run <(cat \"$T\") --warmup 4"
expect_in 2 "expected N (requests)" "$PROG" sweep "$T" --warmup 1e3 --db "$tmp/x.db"
expect_in 0 "cumulative counters" "$PROG" run --help
expect_in 0 "--warmup N|TIME|P%" "$PROG" replay --help
expect_in 0 "--warmup N|TIME|P%" "$PROG" sweep --help

# replay accepts it: the same counts on real files (open loop at 10x: 10 ms between requests)
"$PROG" replay "$T" --cache "$tmp/c.img" --cache-create 64M --target "$tmp/t.img" --target-create 64M \
	--no-prefill "${A[@]}" --speed 10 --warmup 4 --json --quiet > "$tmp/rj" 2> "$tmp/err"
rc=$?
if [ $rc -ne 0 ] && grep -q "io_uring is not available" "$tmp/err"; then
	echo "SKIP replay part: $(cat "$tmp/err")"
	[ $fail -eq 0 ] && exit 77 # a skip, counted as such by tests/e2e/lib/runner.sh
	exit $fail
fi
[ $rc -eq 0 ] || { echo "FAIL replay exit $rc: $(cat "$tmp/err")"; fail=1; }
[ $rc -eq 0 ] && python3 - "$tmp/rj" <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
wu = d["warmup"]
assert wu["spec"] == "4" and wu["start_request"] == 4 and wu["measured"] == 4, wu
c, o, dev = d["counters"], d["outcomes"], d["devices"]
# a read may also find its cte invalid (a fill that real timing has not finished): READ_INVALID,
# sent to the target like a miss
assert c["read_clean"] + c["read_busy"] + c["read_invalid"] + c["read_miss"] == 7 and c["write_miss"] == 1, c  # all
assert d["latency_op"]["read"]["count"] == 4 and d["requests"]["reads"] == 4
assert sum(o.values()) == 4 and o["WRITE_MISS"] == 0, o  # after the warm-up only
# real timing decides hit or busy; the devices agree with the outcomes after the warm-up
assert dev["target"]["writes"] == 0, dev  # the write of C was in the warm-up
assert dev["target"]["reads"] == o["READ_MISS"] + o["READ_BUSY"] + o["READ_INVALID"], (dev, o)
assert dev["cache"]["reads"] == o["READ_CLEAN"], (dev, o)
print("ok   replay --warmup 4: %s, outcomes after it %s" % (wu, {k: v for k, v in o.items() if v}))
PY
exit $fail
