#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The device models' counters on the command line: `models MODEL` lists each model's table, a
# run's --json device objects have the same keys whatever the model, the text summary prints the
# model's summary phrases, and `run --db` stores the model's own counters (docs/devices.md).
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib/common.sh
e2e_tmpdir
T=data/traces/build/build.blkparse.txt

expect_in 0 "  counters:" "$PROG" models ssd
grep -q "^    gc_runs  *count  *garbage collections" "$tmp/out" && ok "models ssd: gc_runs" ||
	bad "models ssd lacks gc_runs: $(cat "$tmp/out" | tail -9)"
expect_in 0 "seek_mean_cyl        ratio (cylinders)" "$PROG" models hdd
"$PROG" models fixed | grep -q "counters:" && bad "models fixed lists counters it has none of" ||
	ok "models fixed: no counters"

# the same keys for fixed and modelled devices; the values the model's
"$PROG" run "$T" --json > "$tmp/fixed.json" 2>/dev/null || bad "run fixed --json"
"$PROG" run "$T" --cache-dev ssd:preset=sata_slc,size=64M --target-dev hdd:preset=sata7200 --json \
	> "$tmp/model.json" 2>/dev/null || bad "run ssd/hdd --json"
python3 - "$tmp/fixed.json" "$tmp/model.json" <<'PY' && ok "json: one shape, the models' values" || bad "json"
import json, sys
f, m = (json.load(open(p))["devices"] for p in sys.argv[1:3])
for r in ("cache", "target"):
    assert set(f[r]) == set(m[r]), (r, set(f[r]) ^ set(m[r]))
    assert f[r]["gc_runs"] == 0 and f[r]["seek_hist"] == [0] * 24, f[r]
assert m["cache"]["media_bytes_written"] > 0 and m["cache"]["write_amplification"] >= 1, m["cache"]
assert m["target"]["seeks"] > 0 and sum(m["target"]["seek_hist"]) > 0, m["target"]
assert abs(m["target"]["seek_mean_cylinders"] * m["target"]["seeks"] - m["target"]["seek_cylinders"]) < 1
PY

# the text summary: the models' phrases, nothing for fixed devices
out=$("$PROG" run "$T" --cache-dev ssd:preset=sata_slc,size=64M --target-dev hdd:preset=sata7200 2>/dev/null)
printf '%s\n' "$out" | grep -Eq "^         media written [0-9]+ bytes, write amplification [0-9.]+, [0-9]+ GC runs$" &&
	ok "summary: ssd line" || bad "summary lacks the ssd line: $out"
printf '%s\n' "$out" | grep -Eq "^         [0-9]+ seeks, mean distance [0-9]+ cylinders$" &&
	ok "summary: hdd line" || bad "summary lacks the hdd line"
"$PROG" run "$T" 2>/dev/null | grep -q "GC runs\|seeks," && bad "fixed devices print model lines" ||
	ok "summary: no model line for fixed devices"

# the database: the model's own counters, a row each (histogram bins as NAME.BIN)
"$PROG" run "$T" --cache-dev ssd:preset=sata_slc,size=64M --target-dev hdd:preset=sata7200 \
	--db "$tmp/r.db" >/dev/null 2>&1 || bad "run --db"
n=$(sqlite3 "$tmp/r.db" "select count(*) from device_counters where device = 'cache'")
[ "$n" = 8 ] && ok "db: 8 ssd counters" || bad "db: $n cache counters"
n=$(sqlite3 "$tmp/r.db" "select count(*) from device_counters where device = 'target' and name like 'seek_hist.%'")
[ "$n" = 24 ] && ok "db: 24 seek_hist bins" || bad "db: $n seek_hist bins"
w=$(sqlite3 "$tmp/r.db" "select value >= 1 from device_counters where name = 'write_amplification'")
[ "$w" = 1 ] && ok "db: write amplification" || bad "db: write amplification '$w'"
exit $fail
