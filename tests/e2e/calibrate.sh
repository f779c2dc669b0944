#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# models calibrate: measure a file over the grid, fit a model, print a SPEC
# that run accepts; refuse a file with a filesystem as replay does. Short measurements: the
# figures are noisy, the checks are about the fit's consistency, not the device.
set -u
cd "$(dirname "$0")/../.."
E2E_OK="ok   " E2E_FAIL="FAIL "
. tests/e2e/lib/common.sh
e2e_tmpdir
export PATH="$PATH:/sbin:/usr/sbin"
T=data/traces/oltp_small/oltp_small.blkparse.txt

for model in fixed ssd hdd; do
	"$PROG" models calibrate "$tmp/cal.img" --model $model --size 64M --seconds 1.2 --json > "$tmp/$model.json" 2> "$tmp/err" \
		|| { bad "calibrate --model $model: $(cat "$tmp/err")"; continue; }
	python3 - "$tmp/$model.json" $model <<'PY' && ok "calibrate --model $model: 24 points measured and predicted, residuals consistent" || fail=1
import json, math, sys
d = json.load(open(sys.argv[1])); model = sys.argv[2]
pts = d["points"]
assert len(pts) == 24 and d["spec"].startswith(model + ":size=67108864"), d["spec"]
assert {(p["rw"], p["bs"], p["qd"]) for p in pts} == {(rw, bs, qd) for rw in ("randread", "randwrite", "read", "write") for bs in (4096, 65536, 1 << 20) for qd in (1, 32)}
for p in pts:
    assert p["ios"] > 0 and p["measured_mean_us"] > 0 and p["predicted_mean_us"] > 0, p
    # the means are printed to 1 ns: their rounding moves the ratio in proportion to its size
    # (a point predicted 100 x too slow), so the tolerance is relative to it
    ratio = p["predicted_mean_us"] / p["measured_mean_us"]
    assert abs(p["residual"] - (ratio - 1)) < 1e-3 * max(1.0, ratio), p
rms = math.sqrt(sum(p["residual"] ** 2 for p in pts) / 24)
assert abs(rms - d["rms_relative_error"]) < 1e-3, (rms, d["rms_relative_error"])
if model == "fixed":
    # the fixed model's spread and queue: lognormal service times of the measured log-space
    # std-dev (a real file's latencies vary: > 0), servers by Little's law, as the ssd channels
    kv = dict(x.split("=") for x in d["spec"].split(":", 1)[1].split(","))
    assert 0 < float(kv["read_sigma"]) <= 5 and 0 < float(kv["write_sigma"]) <= 5, kv
    q1 = next(p for p in pts if p["rw"] == "randread" and p["bs"] == 4096 and p["qd"] == 1)
    q32 = next(p for p in pts if p["rw"] == "randread" and p["bs"] == 4096 and p["qd"] == 32)
    want = min(64, max(1, round(q32["iops"] * q1["measured_mean_us"] / 1e6)))
    assert int(kv["servers"]) == want == d["parallel"], (kv, want, d["parallel"])
PY
	spec=$(python3 -c "import json; print(json.load(open('$tmp/$model.json'))['spec'])")
	"$PROG" run "$T" --cache-dev "$spec" --quiet --max-requests 200 > /dev/null 2> "$tmp/err" \
		&& ok "run accepts the $model SPEC" || bad "run --cache-dev $spec: $(cat "$tmp/err")"
done
"$PROG" models calibrate "$tmp/cal.img" --model ssd --seconds 0.5 > "$tmp/out" 2>&1
grep -q "^spec: ssd:" "$tmp/out" && grep -q "RMS relative error" "$tmp/out" && ok "text output" || bad "text: $(cat "$tmp/out")"

truncate -s 64M "$tmp/fs.img" && mkfs.ext4 -q -F "$tmp/fs.img"
"$PROG" models calibrate "$tmp/fs.img" --model fixed --seconds 0.5 > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "holds an ext4 filesystem" "$tmp/err" && e2fsck -fn "$tmp/fs.img" > /dev/null 2>&1 \
	&& ok "a filesystem image is refused and intact" || bad "fs image: $(cat "$tmp/err")"
"$PROG" models calibrate "$tmp/cal.img" --model nvme > /dev/null 2>&1
[ $? -eq 2 ] && ok "unknown model refused" || bad "--model nvme"
# --reads-only --max-bs 4K: the 4 read points of 4 KiB only, the file is not written; the ssd
# parallelism comes from Little's law on the random reads (IOPS at qd 32 x latency at qd 1)
sum0=$(md5sum < "$tmp/cal.img")
"$PROG" models calibrate "$tmp/cal.img" --model ssd --seconds 0.8 --reads-only --max-bs 4K --json > "$tmp/ro.json" 2> "$tmp/err" \
	|| bad "calibrate --reads-only: $(cat "$tmp/err")"
python3 - "$tmp/ro.json" <<'PY' && ok "--reads-only --max-bs 4K: 4 read points, parallelism from Little's law in the SPEC" || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
pts = d["points"]
assert {(p["rw"], p["bs"], p["qd"]) for p in pts} == {(rw, 4096, qd) for rw in ("randread", "read") for qd in (1, 32)}, pts
q1 = next(p for p in pts if p["rw"] == "randread" and p["qd"] == 1)
q32 = next(p for p in pts if p["rw"] == "randread" and p["qd"] == 32)
want = min(64, max(1, round(q32["iops"] * q1["measured_mean_us"] / 1e6)))
# the JSON rounds iops: allow the neighbour when the product sits on a .5
assert abs(d["parallel"] - want) <= 1 and ",channels=%d,dies=1,planes=1," % d["parallel"] in d["spec"], (d["parallel"], want, d["spec"])
assert ",t_prog=200000," in d["spec"], d["spec"]  # no write point: the prior holds the starting value
PY
[ "$(md5sum < "$tmp/cal.img")" = "$sum0" ] && ok "--reads-only leaves the file as it was" || bad "--reads-only wrote the file"
"$PROG" models calibrate "$tmp/cal.img" --model fixed --seconds 0.4 --reads-only --max-bs 4K --realtime > "$tmp/out" 2> "$tmp/err"
[ $? -eq 0 ] && grep -q "^spec: fixed:" "$tmp/out" && ok "--realtime measures (SCHED_FIFO where allowed)" || bad "--realtime: $(cat "$tmp/err")"
"$PROG" models calibrate "$tmp/cal.img" --model ssd --max-bs 1K > /dev/null 2>&1
[ $? -eq 2 ] && ok "--max-bs below 4K refused" || bad "--max-bs 1K"
exit $fail
