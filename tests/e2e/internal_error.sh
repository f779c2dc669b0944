#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# internal_error.sh - a bug ends with status 3 and one line "internal error at FILE:LINE: COND
# (please report)", never a signal; a results database open at the time is intact; in a sweep
# that run is recorded as failed with the line and the others are recorded.
# The bug is provoked with the documented testing aid --debug-abort-after N.
set -euo pipefail
: "${PROG:?PROG must name build/ssdcache-sim}"
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/reports.bash"

rep_workdir
writer=""
cleanup() {
	[ -n "$writer" ] && kill "$writer" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
rep_small_trace
LINE='^internal error at sim/sim_run\.c:[0-9]+: .*debug_abort_after.* \(please report\)$'

status() { # CMD...: its exit status, stdout in out.txt, stderr in err.txt
	local rc=0
	"$@" >out.txt 2>err.txt || rc=$?
	echo "$rc"
}

# --- run: status 3 and the one line ---
rc=$(status "$PROG" run "$TRACE" --debug-abort-after 100)
[ "$rc" = 3 ] || { cat err.txt; rep_die "run: exit $rc, expected 3"; }
[ "$(wc -l <err.txt)" = 1 ] || { cat err.txt; rep_die "run: more than the one line on stderr"; }
grep -Eq "$LINE" err.txt || { cat err.txt; rep_die "run: not the internal-error line"; }
rc=$(status "$PROG" run "$TRACE" --debug-abort-after 0)
[ "$rc" = 2 ] || rep_die "--debug-abort-after 0: exit $rc, expected 2 (usage)"
"$PROG" run --help | grep -q "3 internal error" || rep_die "run --help does not document status 3"
"$PROG" --help | grep -q "3 internal error" || rep_die "--help does not document status 3"

# --- run --db: what was recorded before stays; the database is whole and usable ---
"$PROG" run "$TRACE" --db r.db >/dev/null
rc=$(status "$PROG" run "$TRACE" --db r.db --debug-abort-after 1000)
[ "$rc" = 3 ] || rep_die "run --db: exit $rc, expected 3"
[ "$(rep_q r.db 'PRAGMA integrity_check')" = ok ] || rep_die "database damaged by an internal error"
[ "$(rep_q r.db 'SELECT count(*) FROM runs')" = 1 ] || rep_die "run count after an internal error"
"$PROG" run "$TRACE" --db r.db >/dev/null || rep_die "run --db after an internal error"
[ "$(rep_q r.db 'SELECT count(*) FROM runs')" = 2 ] || rep_die "run count after the next run"

# --- sweep: the run is recorded as failed with the line, the others are recorded ---
SW=(sweep "$TRACE" --blocksize 8,16,32,64 --assoc 1,4 --db s.db -j 2 --no-progress)
rc=$(status "$PROG" "${SW[@]}" --debug-abort-after 200)
[ "$rc" = 3 ] || { cat err.txt; rep_die "sweep: exit $rc, expected 3"; }
grep -q "1 runs failed, 1 of them by an internal error" err.txt || { cat err.txt; rep_die "sweep: no summary of the failure"; }
grep -q "7 ok, 0 refused, 1 failed" out.txt || { cat out.txt; rep_die "sweep: the other runs"; }
[ "$(rep_q s.db "SELECT count(*) FROM runs WHERE status = 'ok'")" = 7 ] || rep_die "sweep: ok runs"
msg=$(rep_q s.db "SELECT error FROM runs WHERE status = 'failed'")
echo "$msg" | grep -Eq "$LINE" || rep_die "sweep: failed run's message is '$msg'"
[ "$(rep_q s.db "SELECT count(*) FROM runs WHERE status = 'failed' AND block_size = 8 AND assoc = 1")" = 1 ] ||
	rep_die "sweep: the failed run is not the first configuration"
"$PROG" sweep --help | grep -q "3 some run hit an internal error" || rep_die "sweep --help: status 3"
# Rerun without the aid: only the failed configuration runs again, and now succeeds.
rc=$(status "$PROG" "${SW[@]}")
[ "$rc" = 0 ] || { cat err.txt; rep_die "sweep rerun: exit $rc"; }
grep -q "1 run now (1 ok, 0 refused, 0 failed), 7 already" out.txt || { cat out.txt; rep_die "sweep rerun"; }

# --- the safety net: a stray abort() (here: SIGABRT from outside) is status 3, not 134 ---
mkfifo fifo
{ printf '  8,0    0        1     0.000000001  1000  Q   R 0 + 8 [x]\n'; sleep 60; } >fifo &
writer=$!
"$PROG" run fifo --format blkparse >/dev/null 2>abrt.err &
victim=$!
sleep 0.5
kill -ABRT "$victim"
rc=0
wait "$victim" || rc=$?
kill "$writer" 2>/dev/null || true
writer=""
[ "$rc" = 3 ] || { cat abrt.err; rep_die "SIGABRT: exit $rc, expected 3"; }
grep -q "^internal error: SIGABRT (aborted) (please report)$" abrt.err || { cat abrt.err; rep_die "SIGABRT: message"; }
echo "ok"
