#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `replay`: the engine over real files through io_uring. Skipped (exit 77, counted) where the
# kernel or a sandbox refuses io_uring.
set -u
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
T=data/traces/oltp_small/oltp_small.blkparse.txt
# the trace spans 4 GiB: the files stay sparse here (prefill is tested in replay_files.sh)
R=(replay "$T" --cache "$tmp/cache.img" --cache-create 64M --target "$tmp/target.img" --target-create 4G --no-prefill)

"$PROG" "${R[@]}" --table "blocksize 8 assoc 4 writeback" --qd 8 --json --quiet > "$tmp/j" 2> "$tmp/err"
rc=$?
if [ $rc -ne 0 ] && grep -q "io_uring is not available" "$tmp/err"; then
	echo "SKIP replay: $(cat "$tmp/err")"
	exit 77 # a skip, counted as such by tests/e2e/lib/runner.sh
fi
[ $rc -eq 0 ] || { echo "FAIL replay exit $rc: $(cat "$tmp/err")"; exit 1; }
python3 - "$tmp/j" <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
c = d["counters"]
assert d["requests"]["total"] == 2481, d["requests"]
pieces = sum(d["outcomes"].values())
assert pieces + c["write_cancel"] == d["requests"]["pieces"], (pieces, d["requests"]["pieces"])  # resubmissions map again
assert c["read_clean"] > 10000, c            # the dd re-scans hit once the blocks are cached
assert d["devices"]["cache"]["writes"] > 0 and d["devices"]["target"]["reads"] > 0
assert d["latency_op"]["read"]["count"] == 1062
print("ok   replay: %d requests, read hit ratio %.3f, read p99 %.0f us" %
      (d["requests"]["total"], d["read_hit_ratio"], d["latency_op"]["read"]["p99_us"]))
PY
[ "$(stat -c %s "$tmp/cache.img")" -eq $((64 << 20)) ] || { echo "FAIL cache file size"; fail=1; }

# the decision log and the data verifier work in replay too; open loop at the trace's own times
"$PROG" "${R[@]}" --decision-log "$tmp/log" --verify --max-requests 300 --quiet > "$tmp/out" 2>&1 || { echo "FAIL replay open loop"; cat "$tmp/out"; fail=1; }
[ "$(wc -l < "$tmp/log")" -gt 300 ] && grep -q '^data mismatches: 0$' "$tmp/out" && echo "ok   replay open loop, decision log, verifier" \
	|| { echo "FAIL replay log/verify"; fail=1; }

# refusals: a block device needs --force; run's device options are not replay's
"$PROG" replay "$T" --cache /dev/null --target "$tmp/target.img" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && echo "ok   /dev/null refused" || { echo "FAIL /dev/null: $(cat "$tmp/err")"; fail=1; }
"$PROG" replay "$T" --cache-dev fixed --target "$tmp/t" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q -- "--cache PATH" "$tmp/err" && echo "ok   --cache-dev refused" || { echo "FAIL --cache-dev"; fail=1; }
"$PROG" run "$T" --cache "$tmp/c" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && echo "ok   run refuses --cache" || { echo "FAIL run --cache"; fail=1; }
exit $fail
