#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# replay --db (schema 6): the replay's lag figures in results, replay --predict's comparison in
# prediction (the rows the JSON prints) and prediction_cdf (100 quantiles per side), and the
# report's overlay of the two CDFs drawn from exactly those quantiles.
set -u
cd "$(dirname "$0")/../.."
E2E_OK="ok   " E2E_FAIL="FAIL "
. tests/e2e/lib/common.sh
e2e_tmpdir

e2e_replay_setup 800 --quiet --db "$tmp/r.db" --json

# run 1: closed loop with a prediction; run 2: open loop, no prediction; run 3: a simulation
"$PROG" "${R[@]}" --qd 4 "${M[@]}" > "$tmp/j1" 2> "$tmp/err" || bad "replay --predict --db: $(cat "$tmp/err")"
"$PROG" "${R[@]}" --speed 100 > "$tmp/j2" 2> "$tmp/err" || bad "open-loop replay --db: $(cat "$tmp/err")"
"$PROG" run "$tmp/w.txt" --cache-dev fixed:size=8M --target-dev fixed:size=32M --quiet --db "$tmp/r.db" > /dev/null \
	2> "$tmp/err" || bad "run --db: $(cat "$tmp/err")"
for t in prediction prediction_cdf; do
	sqlite3 -json "$tmp/r.db" "SELECT * FROM $t ORDER BY run_id, scope, name" > "$tmp/$t.json" || bad "reading $t"
done
sqlite3 -json "$tmp/r.db" "SELECT run_id, lag_p50_ns, lag_p99_ns, lag_max_ns, late_requests, realtime FROM results
	ORDER BY run_id" > "$tmp/results.json" || bad "reading results"

python3 - "$tmp" <<'PY' && ok "prediction: the JSON's rows (op, class, all), demerits, counts" || fail=1
import json, sys
t = sys.argv[1]
j = json.load(open(t + "/j1"))["prediction"]
rows = {(r["scope"], r["name"]): r for r in json.load(open(t + "/prediction.json"))}
assert {r["run_id"] for r in rows.values()} == {1}, "only run 1 has a prediction"
assert set(n for s, n in rows if s == "op") == set(j["ops"]), (rows.keys(), j["ops"].keys())
assert set(n for s, n in rows if s == "class") == set(j["classes"]), (rows.keys(), j["classes"].keys())
def close(a, b, rel=1e-5, what=""):
    assert abs(a - b) <= rel * max(abs(a), abs(b), 1e-3) + 1e-3, (what, a, b)
for scope, src in (("op", j["ops"]), ("class", j["classes"])):
    for name, o in src.items():
        r = rows[(scope, name)]
        for side in ("measured", "predicted"):
            assert r[side + "_count"] == o[side]["count"], (scope, name, side)
            for k in ("mean", "p50", "p99"):
                close(r[f"{side}_{k}_ns"] / 1e3, o[side][k + "_us"], what=(scope, name, side, k))
        if scope == "op":
            close(r["demerit_pct"], o["demerit_pct"], 1e-6, (name, "demerit"))
        else:
            assert r["demerit_pct"] is None, r
a = rows[("all", "all")]
close(a["demerit_pct"], j["demerit_pct"], 1e-6, "demerit")
assert a["measured_count"] == sum(o["measured"]["count"] for o in j["ops"].values())
assert a["predicted_count"] == sum(o["predicted"]["count"] for o in j["ops"].values())
PY

python3 - "$tmp" <<'PY' && ok "prediction_cdf: 100 ascending quantiles per side, ending at the maxima; p50/p99 of all from them" || fail=1
import json, sys
t = sys.argv[1]
d = json.load(open(t + "/j1"))
rows = {(r["scope"], r["name"]): r for r in json.load(open(t + "/prediction.json"))}
q = {}
for r in json.load(open(t + "/prediction_cdf.json")):
    q.setdefault((r["scope"], r["name"], r["side"]), {})[r["pct"]] = r["latency_ns"]
assert set(q) == {(s, n, side) for s, n in [("all", "all")] + [("op", o) for o in d["prediction"]["ops"]]
                  for side in ("measured", "predicted")}, q.keys()
for k, v in q.items():
    assert sorted(v) == list(range(1, 101)), k
    vals = [v[p] for p in range(1, 101)]
    assert vals == sorted(vals), k
# the 100th quantile is the largest sample: the replay's measured maximum per operation
for o in d["prediction"]["ops"]:
    # max_us is printed with 6 significant digits: above 10 ms that is one decimal
    m = d["latency_op"][o]["max_us"]
    assert abs(q[("op", o, "measured")][100] / 1e3 - m) <= max(0.01, 5e-6 * m), (o, m)
assert q[("all", "all", "measured")][100] == max(q[("op", o, "measured")][100] for o in d["prediction"]["ops"])
# fixed models: a predicted read takes 50 us (hit) or 300 us (miss), a write 400 us
assert set(q[("op", "read", "predicted")].values()) <= {50000.0, 300000.0}, q[("op", "read", "predicted")]
assert set(q[("op", "write", "predicted")].values()) == {400000.0}
a = rows[("all", "all")]
assert a["measured_p50_ns"] == q[("all", "all", "measured")][50] and a["predicted_p99_ns"] == q[("all", "all", "predicted")][99]
PY

python3 - "$tmp" <<'PY' && ok "results: lag p50/p99/max, late requests, realtime of a replay (NULL lag in closed loop, NULL for run)" || fail=1
import json, sys
t = sys.argv[1]
res = {r["run_id"]: r for r in json.load(open(t + "/results.json"))}
j1, j2 = json.load(open(t + "/j1")), json.load(open(t + "/j2"))
assert j1["lag_ns"]["count"] == 0 and res[1]["lag_p50_ns"] is None and res[1]["lag_max_ns"] is None, res[1]
assert res[1]["late_requests"] == j1["late_requests"] and res[1]["realtime"] == int(j1["realtime"]), res[1]
lag = j2["lag_ns"]
assert lag["count"] > 0, lag
for k in ("p50", "p99", "max"):
    assert abs(res[2][f"lag_{k}_ns"] - lag[k]) <= 1, (k, res[2], lag)
assert res[2]["lag_max_ns"] > 0 and res[2]["late_requests"] == j2["late_requests"], res[2]
assert res[2]["realtime"] == int(j2["realtime"])
assert all(res[3][k] is None for k in ("lag_p50_ns", "late_requests", "realtime")), res[3]
PY

# the report: the overlay for the run with a prediction, none for the others
"$PROG" report --db "$tmp/r.db" --out "$tmp/rep" --runs 1,2 > /dev/null 2> "$tmp/err" || bad "report: $(cat "$tmp/err")"
gp="$tmp/rep/gnuplot/selected-predcdf-1.gp"
[ -f "$gp" ] && [ ! -e "$tmp/rep/gnuplot/selected-predcdf-2.gp" ] && grep -q 'selected-predcdf-1' "$tmp/rep/index.html" \
	&& ok "report: selected-predcdf-1 for the predicted run only, in the index" || bad "report figures: $(ls "$tmp/rep/gnuplot")"
python3 - "$tmp" "$gp" <<'PY' && ok "report: the overlay's data are the stored quantiles, the title the stored demerit" || fail=1
import json, re, sys
t, gp = sys.argv[1], sys.argv[2]
q = {}
for r in json.load(open(t + "/prediction_cdf.json")):
    if r["run_id"] == 1:
        q.setdefault(f'{r["name"]}/{r["side"]}', []).append((r["pct"], r["latency_ns"]))
blocks, cur = {}, None
for line in open(gp):
    line = line.rstrip("\n")
    if re.fullmatch(r"# \w+/(measured|predicted)", line):
        cur = line[2:]
        blocks[cur] = []
    elif cur and line == "EOD":
        cur = None
    elif cur and not line.startswith("$"):
        x, y = map(float, line.split())
        blocks[cur].append((x, y))
assert set(blocks) == set(q), (blocks.keys(), q.keys())
for k, pts in blocks.items():
    want = sorted(q[k])
    assert pts[0] == (pts[1][0], 0.0), (k, pts[:2])  # the step starts at 0
    assert len(pts) == 101, (k, len(pts))
    for (x, y), (pct, ns) in zip(pts[1:], want):
        assert abs(x - ns / 1e3) <= 1e-5 * ns / 1e3 and abs(y - pct / 100) < 1e-9, (k, x, y, pct, ns)
dem = [r for r in json.load(open(t + "/prediction.json")) if r["scope"] == "all"][0]["demerit_pct"]
src = open(gp).read()
assert re.search(r"demerit %.1f %% of the measured mean" % dem, src), dem
assert src.count("with steps") == 2 * len({k.split("/")[0] for k in q}), "a solid and a dashed line per name"
PY
# db merge carries the new tables with their runs
"$PROG" db merge "$tmp/m.db" "$tmp/r.db" > /dev/null 2> "$tmp/err" || bad "db merge: $(cat "$tmp/err")"
for q in "SELECT count(*), sum(demerit_pct) FROM prediction" "SELECT count(*), sum(latency_ns) FROM prediction_cdf" \
	 "SELECT count(lag_p50_ns), sum(lag_max_ns), count(late_requests) FROM results"; do
	[ "$(sqlite3 "$tmp/m.db" "$q")" = "$(sqlite3 "$tmp/r.db" "$q")" ] || { bad "db merge: $q"; merged=no; }
done
[ "${merged:-yes}" = yes ] && ok "db merge copies prediction, prediction_cdf and the lag columns"
"$PROG" replay --help | grep -q "prediction_cdf" && ok "replay --help names the tables" || bad "replay --help"
exit $fail
