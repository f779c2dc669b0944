#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# replay --predict: the trace simulated after the replay on the given (or
# calibrated) models; measured and predicted side by side with the demerit.
set -u
cd "$(dirname "$0")/../.."
E2E_OK="ok   " E2E_FAIL="FAIL "
. tests/e2e/lib/common.sh
e2e_tmpdir

e2e_replay_setup 1500 --qd 4 --quiet

# given models: the prediction is the simulator's run of the same trace, exactly
"$PROG" "${R[@]}" "${M[@]}" --json > "$tmp/j" 2> "$tmp/err" || bad "replay --predict: $(cat "$tmp/err")"
"$PROG" run "$tmp/w.txt" --cache-dev fixed:size=8M,read=50us,write=80us --target-dev fixed:size=32M,read=300us,write=400us \
	--quirks fixed --table "blocksize 8 assoc 4 writethrough" --qd 4 --quiet --json > "$tmp/run.json"
python3 - "$tmp/j" "$tmp/run.json" <<'PY' && ok "--predict with given models: the simulator's figures, the replay's, the demerit" || fail=1
import json, sys
d = json.load(open(sys.argv[1])); run = json.load(open(sys.argv[2]))
p = d["prediction"]
assert p["calibrated"] is False and p["target_model"].startswith("fixed:size=32M"), p
for op in ("read", "write"):
    o = p["ops"][op]
    # predicted = what `run` gives for the same configuration; measured = the replay's own
    assert o["predicted"]["count"] == run["latency_op"][op]["count"] == d["latency_op"][op]["count"], (op, o)
    assert abs(o["predicted"]["mean_us"] / run["latency_op"][op]["mean_us"] - 1) < 1e-4, (op, o, run["latency_op"][op])
    assert abs(o["measured"]["mean_us"] / d["latency_op"][op]["mean_us"] - 1) < 1e-4, (op, o)
    assert o["demerit_pct"] is not None and o["demerit_pct"] >= 0
assert p["classes"]["read_miss"]["predicted"]["p50_us"] > 290  # a miss pays the target's 300 us
assert isinstance(p["demerit_pct"], float) and p["demerit_pct"] >= 0
PY
"$PROG" "${R[@]}" "${M[@]}" > "$tmp/out" 2> "$tmp/err"
grep -q "^predicted (simulated) vs measured (replayed):" "$tmp/out" && grep -q "^demerit (every request): [0-9.]* % of the measured mean" "$tmp/out" \
	&& ok "text: the comparison table and the demerit" || bad "text: $(cat "$tmp/out" | tail -12)"
# a bad model spec is a usage error
"$PROG" "${R[@]}" --cache-model nosuch:size=8M --target-model fixed > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && ok "a bad --cache-model is refused (exit 2)" || bad "bad model: $(cat "$tmp/err")"
# calibrated models (the default): a device the replay did not write is calibrated on reads only
# and is not written by the calibration either; the points stop at the cache block size
"$PROG" trace gen --requests 400 --device-size 32M --read-ratio 1 --size 4K --seed 5 -o "$tmp/r.txt" 2>/dev/null
"$PROG" replay "$tmp/r.txt" --cache "$tmp/c.img" --target "$tmp/t.img" --quirks fixed --qd 4 --quiet \
	--table "blocksize 8 assoc 4 writethrough" > /dev/null 2>&1 # fills the cache: the next replay's hits write nothing
sum0=$(md5sum < "$tmp/t.img")
"$PROG" replay "$tmp/r.txt" --cache "$tmp/c.img" --target "$tmp/t.img" --quirks fixed --qd 4 --quiet \
	--table "blocksize 8 assoc 4 writethrough" --calibrate-seconds 1.2 --json > "$tmp/j" 2> "$tmp/err" || bad "calibrated --predict: $(cat "$tmp/err")"
python3 - "$tmp/j" <<'PY' && ok "calibrated: target on reads only, 4 KiB points, a calibrated SPEC each" || fail=1
import json, sys
d = json.load(open(sys.argv[1])); p = d["prediction"]
assert p["calibrated"] is True and p["calibration"]["max_bs"] == 4096, p
assert p["calibration"]["seconds"] == 1.2, p  # --calibrate-seconds, which implies --predict
assert d["devices"]["target"]["writes"] == 0 and p["calibration"]["target_reads_only"] is True, (d["devices"], p)
assert p["calibration"]["cache_reads_only"] == (d["devices"]["cache"]["writes"] == 0), (d["devices"], p)
assert p["target_model"].startswith("fixed:size=33554432,") and p["calibration"]["target_model"] == "fixed", p
# both files in one directory: one disk, so the two models share its servers
assert p["calibration"]["shared_disk"] is True, p
assert p["cache_model"].endswith(",pool=disk") and p["target_model"].endswith(",pool=disk"), p
assert "servers=" in p["target_model"], p
PY
[ "$(md5sum < "$tmp/t.img")" = "$sum0" ] && ok "the target (read only by the replay) is not written by the calibration" || bad "target written"
# --calibrate-model: the cache's and the target's model; only two fixed models share a pool
"$PROG" replay "$tmp/r.txt" --cache "$tmp/c.img" --target "$tmp/t.img" --quirks fixed --qd 4 --quiet \
	--table "blocksize 8 assoc 4 writethrough" --calibrate-model fixed,ssd --calibrate-seconds 0.5 --json > "$tmp/j" 2> "$tmp/err" \
	|| bad "--calibrate-model fixed,ssd: $(cat "$tmp/err")"
python3 - "$tmp/j" <<'PY' && ok "--calibrate-model fixed,ssd: a fixed cache, an ssd target, no shared pool" || fail=1
import json, sys
p = json.load(open(sys.argv[1]))["prediction"]
c = p["calibration"]
assert c["cache_model"] == "fixed" and c["target_model"] == "ssd" and c["shared_disk"] is False, c
assert p["cache_model"].startswith("fixed:") and p["target_model"].startswith("ssd:"), p
assert "pool=" not in p["cache_model"] + p["target_model"], p
PY
for m in nvme fixed,nvme fixed,; do
	"$PROG" replay "$tmp/r.txt" --cache "$tmp/c.img" --target "$tmp/t.img" --quiet --calibrate-model "$m" > /dev/null 2> "$tmp/err"
	[ $? -eq 2 ] && grep -q "calibrate-model $m: expected fixed, ssd or hdd" "$tmp/err" \
		&& ok "--calibrate-model $m is refused (exit 2)" || bad "--calibrate-model $m: $(cat "$tmp/err")"
done
exit $fail
