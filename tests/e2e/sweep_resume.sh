#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sweep_resume.sh - kill -9 and SIGINT in the middle of a sweep: the database stays whole, and
# running the same command again completes it with no run lost and none recorded twice.
set -euo pipefail
: "${PROG:?PROG must name build/ssdcache-sim}"
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/reports.bash"

rep_workdir
# Long enough per run (~0.1 s) that the kill lands mid-sweep.
rep_make_trace t.txt 60000
ARGS=(sweep t.txt --blocksize 8,16,32,64,128,256 --assoc 1,2,4,8 --mode writethrough,writeback
      --db "$W/r.db" -j 2 --no-progress)
N=48

wait_for_runs() { # DB MIN: until MIN runs are recorded (or 30 s)
	for _ in $(seq 300); do
		if [ -f "$1" ]; then
			# Not rep_q: a query that fails while the sweep creates the schema (no table
			# yet, or locked) must mean "not yet", not end the test (rep_q kills it).
			n=$(sqlite3 -batch -noheader -cmd '.timeout 2000' "$1" "SELECT count(*) FROM runs" 2>/dev/null || echo 0)
			[ "${n:-0}" -ge "$2" ] && return 0
		fi
		sleep 0.1
	done
	rep_die "no $2 runs recorded within 30 s"
}

# --- kill -9 of the sweep process (the single writer) ---
"$PROG" "${ARGS[@]}" >out1.txt 2>err1.txt &
pid=$!
wait_for_runs r.db 3
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
# Workers die with the parent (PR_SET_PDEATHSIG): none is left running.
sleep 0.3
if pgrep -f "$W/r.db" >/dev/null; then
	rep_die "workers outlived the killed sweep"
fi
before=$(rep_q r.db "SELECT count(*) FROM runs")
echo "recorded before kill -9: $before of $N"
[ "$before" -ge 3 ] && [ "$before" -lt "$N" ] || rep_die "kill landed outside the sweep ($before runs)"
[ "$(rep_q r.db 'PRAGMA integrity_check')" = ok ] || rep_die "integrity check failed after kill -9"
# Every recorded run is whole: results, latency and series rows for each.
[ "$(rep_q r.db 'SELECT count(*) FROM runs r WHERE NOT EXISTS (SELECT 1 FROM results s WHERE s.run_id = r.run_id)')" = 0 ] ||
	rep_die "a run without results after kill -9"
[ "$(rep_q r.db 'SELECT count(DISTINCT run_id) FROM series')" = "$before" ] || rep_die "series rows missing"

# --- SIGINT: stops cleanly with exit 130 and says how to resume ---
"$PROG" "${ARGS[@]}" >out2.txt 2>err2.txt &
pid=$!
wait_for_runs r.db $((before + 2))
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
[ "$rc" = 130 ] || { cat err2.txt; rep_die "SIGINT: exit $rc, expected 130"; }
grep -q "interrupted" err2.txt || rep_die "SIGINT: no 'interrupted' message"
grep -q "run the same command again to resume" err2.txt || rep_die "SIGINT: no resume hint"
mid=$(rep_q r.db "SELECT count(*) FROM runs")
echo "recorded after SIGINT: $mid of $N"
[ "$mid" -lt "$N" ] || echo "note: the sweep finished before SIGINT arrived"
[ "$(rep_q r.db 'PRAGMA integrity_check')" = ok ] || rep_die "integrity check failed after SIGINT"

# --- resume: runs exactly what is missing ---
"$PROG" "${ARGS[@]}" >out3.txt 2>err3.txt || { cat err3.txt; rep_die "resume failed"; }
cat out3.txt
grep -q "$((N - mid)) run now ($((N - mid)) ok" out3.txt || rep_die "resume did not run exactly the missing $((N - mid))"
grep -q "$mid already in" out3.txt || rep_die "resume did not skip the $mid recorded runs"
[ "$(rep_q r.db 'SELECT count(*) FROM runs')" = "$N" ] || rep_die "runs lost or duplicated"
[ "$(rep_q r.db 'SELECT count(DISTINCT config_key) FROM runs')" = "$N" ] || rep_die "a configuration recorded twice"
[ "$(rep_q r.db "SELECT count(*) FROM runs WHERE status != 'ok'")" = 0 ] || rep_die "failed runs recorded"
# No converted trace left beside the database.
ls -A | grep -q '\.sct$' && rep_die "temporary .sct left behind"

# And once more: nothing to do.
"$PROG" "${ARGS[@]}" >out4.txt 2>&1
grep -q "0 run now" out4.txt || rep_die "a complete sweep ran again"
echo "ok"
