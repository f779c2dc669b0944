#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# db_diff.sh - ssdcache-sim db diff on the command line: runs recorded by `run --db` compared by
# id and by --where filters, the differing parameters, the metrics against sqlite3's own answer,
# --json, and the errors (unknown id, a filter matching none or several: exit 1; usage: exit 2).
set -uo pipefail

: "${PROG:?PROG must be the absolute path of ssdcache-sim}"
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/reports.bash"
e2e_tmpdir
cd "$tmp" || exit 1

# A trace whose footprint exceeds the caches, so that the shapes hit differently.
rep_make_trace t.txt 3000
dev="read=100us,write=200us"
"$PROG" run t.txt --db r.db --table "blocksize 8 assoc 2 writethrough" --cache-dev "fixed:size=2M,$dev" >/dev/null || bad "run 1"
"$PROG" run t.txt --db r.db --table "blocksize 8 assoc 8 writethrough" --cache-dev "fixed:size=4M,$dev" >/dev/null || bad "run 2"
"$PROG" run t.txt --db r.db --table "blocksize 8 assoc 2 writethrough" --cache-dev "fixed:size=2M,$dev" >/dev/null || bad "run 3"
[ "$(rep_q r.db 'SELECT count(*) FROM runs')" = 3 ] || bad "three runs recorded"

expect 0 "db diff --help" -- "$PROG" db diff --help
has out "usage: ssdcache-sim db diff DB RUN_A RUN_B"
expect 0 "db --help lists diff" -- "$PROG" db --help
has out "ssdcache-sim db diff DB"

# By ids: the parameters that differ, and nothing else.
expect 0 "diff 1 2" -- "$PROG" db diff r.db 1 2
has out "configuration: 3 of "
grep -qE '^  assoc +2 +8$' out && ok "assoc row" || bad "assoc row: $(grep assoc out)"
grep -qE '^  cache_size +2097152 +4194304$' out && ok "cache_size row" || bad "cache_size row"
grep -qE '^  (block_size|mode) ' out && bad "equal parameters shown" || ok "equal parameters hidden"
# The hit ratios as sqlite3 reads them, and their difference.
a=$(rep_q r.db "SELECT printf('%.6g', read_hit_ratio) FROM results WHERE run_id = 1")
b=$(rep_q r.db "SELECT printf('%.6g', read_hit_ratio) FROM results WHERE run_id = 2")
grep -qE "^  read_hit_ratio +$a +$b " out && ok "read_hit_ratio $a -> $b" || bad "read_hit_ratio row: $(grep read_hit_ratio out)"
ca=$(rep_q r.db "SELECT count FROM outcomes WHERE run_id = 1 AND outcome = 'READ_CLEAN'")
cb=$(rep_q r.db "SELECT count FROM outcomes WHERE run_id = 2 AND outcome = 'READ_CLEAN'")
grep -qE "^  outcome.READ_CLEAN +$ca +$cb +\\+$((cb - ca)) " out && ok "READ_CLEAN $ca -> $cb" || bad "READ_CLEAN row: $(grep READ_CLEAN out)"
has out "device.cache.bytes_written"
has out "latency.op.read.mean_ns"

# The same configuration: nothing differs.
expect 0 "diff 1 3" -- "$PROG" db diff r.db 1 3
has out "configuration: the same"

# Filters, alone or with an id; JSON.
expect 0 "diff by filters, json" -- "$PROG" db diff r.db --a "assoc = 8" --b "run_id = 3" --json
has out '"a":{"run_id":2,'
has out '"b":{"run_id":3,'
has out '{"name":"assoc","a":8,"b":2}'
if command -v python3 >/dev/null; then
	python3 -c '
import json, sys
d = json.load(sys.stdin)
m = {x["name"]: x for x in d["metrics"]}
r = m["read_hit_ratio"]
assert abs(r["diff"] - (r["b"] - r["a"])) < 1e-12, r
assert r["rel"] is None or abs(r["rel"] - (r["b"] - r["a"]) / abs(r["a"])) < 1e-12, r
assert not d["same_configuration"] and {c["name"] for c in d["config"]} == {"assoc", "cache_size", "cache_spec"}, d["config"]
' <out && ok "json parses and adds up" || bad "json"
fi
expect 0 "an id and a filter" -- "$PROG" db diff r.db 2 --b "assoc = 8"
has out "configuration: the same"

# Errors.
expect 1 "unknown run id" -- "$PROG" db diff r.db 1 99
has err "run B: no run with id 99"
expect 1 "filter matches none" -- "$PROG" db diff r.db 1 --b "assoc = 64"
has err "run B: no run matches 'assoc = 64'"
expect 1 "filter matches several" -- "$PROG" db diff r.db --a "assoc = 2" 2
has err "run A: 'assoc = 2' matches 2 runs (ids 1, 3)"
expect 2 "malformed filter" -- "$PROG" db diff r.db --a "asoc = 2" 2
has err "unknown field 'asoc'"
expect 2 "one run only" -- "$PROG" db diff r.db 1
expect 2 "three runs" -- "$PROG" db diff r.db 1 2 3
expect 2 "not a run id" -- "$PROG" db diff r.db 1 x
has err "'x' is not a run id"
expect 2 "no database" -- "$PROG" db diff
expect 2 "unknown option" -- "$PROG" db diff r.db 1 2 --frob
expect 1 "missing database" -- "$PROG" db diff nothere.db 1 2
[ -e nothere.db ] && bad "db diff created a database" || ok "no file created"

exit $fail
