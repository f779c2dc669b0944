#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# report_db_errors.sh - bad input to the database commands: --where mistakes (exit 2), a newer
# schema, a foreign file, a locked, a read-only and a full database (exit 1, file intact).
set -euo pipefail
: "${PROG:?PROG must name build/ssdcache-sim}"
. "$(dirname "$0")/lib/reports.bash"

rep_workdir
MNT=""
UDIRS=""
cleanup() {
	[ -n "$MNT" ] && umount "$MNT" 2>/dev/null
	for d in $UDIRS; do chmod -R u+w "$d"; rm -rf "$d"; done
	rm -rf "$W"
}
trap cleanup EXIT
rep_small_trace

"$PROG" sweep "$TRACE" --blocksize 16,64 --assoc 1,4 --mode writeback --db r.db -j 2 --no-progress >/dev/null
[ "$(rep_q r.db 'SELECT count(*) FROM runs')" = 4 ] || rep_die "setup sweep"
sum() { sha256sum "$1" | cut -d' ' -f1; }

# --- --where: validated against the known fields, values bound, never pasted ---
rep_expect_err 2 "unknown field 'blok_size' (did you mean 'block_size'?)" "$PROG" report --db r.db --where "blok_size = 8" --csv
rep_expect_err 2 "column 14: block_size expects a whole number, not 'big'" "$PROG" report --db r.db --where "block_size = big"
rep_expect_err 2 "cache_size expects a size" "$PROG" report --db r.db --where "cache_size >= lots"
rep_expect_err 2 "unexpected ';'" "$PROG" report --db r.db --where "mode = writeback; DROP TABLE runs" --csv
rep_expect_err 2 "unterminated string" "$PROG" report --db r.db --where "mode = 'writeback"
[ "$(rep_q r.db 'SELECT count(*) FROM runs')" = 4 ] || rep_die "runs changed by a --where"
# A value that looks like SQL is only a value.
rep_expect_err 1 "r.db: no run matches --where mode = 'x''; DROP" "$PROG" report --db r.db --where "mode = 'x''; DROP TABLE runs; --'" --csv
[ ! -s cmd.out ] || rep_die "injection value matched runs"
# No run matches: every output form says so and exits 1 (no header-only CSV, no empty array).
rep_expect_err 1 "r.db: no run matches --where mode = writebak" "$PROG" report --db r.db --where "mode = writebak" --csv
[ ! -s cmd.out ] || rep_die "--csv wrote something for no run"
rep_expect_err 1 "r.db: no run matches --where mode = writebak" "$PROG" report --db r.db --where "mode = writebak" --json
[ ! -s cmd.out ] || rep_die "--json wrote something for no run"
mkdir nomatch
rep_expect_err 1 "no run with status ok matches --where mode = writebak" "$PROG" report --db r.db --where "mode = writebak" --out nomatch
rep_expect_err 1 "no run matches" "$PROG" report --db r.db --where "mode = writebak" --csv --out nomatch
[ ! -e nomatch/runs.csv ] || rep_die "an empty nomatch/runs.csv was left"
[ "$(rep_q r.db 'SELECT count(*) FROM runs')" = 4 ] || rep_die "runs table damaged"
"$PROG" report --fields >fields.txt
grep -q "^  block_size " fields.txt || rep_die "--fields"
"$PROG" report --db r.db --where "block_size >= 64 and assoc in (1, 4)" --csv >sel.csv
[ "$(wc -l <sel.csv)" = 3 ] || rep_die "--where selected $(($(wc -l <sel.csv) - 1)) runs, expected 2"
head -1 sel.csv | grep -q "^run_id,run_uuid,status," || rep_die "CSV header"
mkdir out
"$PROG" report --db r.db --where "read_hit_ratio > 1%" --json --out out 2>/dev/null
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d)==4, len(d)' out/runs.json ||
	rep_die "JSON export"
rep_expect_err 2 "unknown option" "$PROG" report --db r.db --bogus
rep_expect_err 2 "choose one" "$PROG" report --db r.db --csv --json

# --- files that are not ours, or missing ---
rep_expect_err 1 "No such file" "$PROG" report --db missing.db --csv
[ ! -e missing.db ] || rep_die "report created a database"
rep_expect_err 1 "not a SQLite database" "$PROG" db info "$TRACE"
sqlite3 other.db "CREATE TABLE t(x)"
rep_expect_err 1 "not an ssdcache-sim results database" "$PROG" run "$TRACE" --db other.db
rep_expect_err 1 "not an ssdcache-sim results database" "$PROG" db merge r.db other.db

# --- a newer schema: refused by every command, file untouched ---
cp r.db new.db
sqlite3 new.db "PRAGMA user_version = 99"
before=$(sum new.db)
rep_expect_err 1 "newer ssdcache-sim (schema version 99" "$PROG" report --db new.db --csv
rep_expect_err 1 "newer ssdcache-sim" "$PROG" db info new.db
rep_expect_err 1 "newer ssdcache-sim" "$PROG" run "$TRACE" --db new.db
rep_expect_err 1 "newer ssdcache-sim" "$PROG" sweep "$TRACE" --blocksize 8 --db new.db --no-progress
rep_expect_err 1 "newer ssdcache-sim" "$PROG" db merge r.db new.db
[ "$(sum new.db)" = "$before" ] || rep_die "a newer database was modified"

# --- locked: another process holds the write lock past the busy timeout ---
(echo "BEGIN IMMEDIATE;"; sleep 3; echo "COMMIT;") | sqlite3 r.db &
holder=$!
sleep 0.5
export SSDCACHE_DB_TIMEOUT_MS=300
rep_expect_err 1 "database is locked by another process (waited 300 ms" "$PROG" run "$TRACE" --db r.db
rep_expect_err 1 "locked" "$PROG" sweep "$TRACE" --blocksize 8,256 --db r.db --no-progress
# Readers are not blocked by a writer (WAL).
"$PROG" report --db r.db --csv >/dev/null || rep_die "a reader was blocked by the writer"
wait "$holder"
unset SSDCACHE_DB_TIMEOUT_MS
"$PROG" run "$TRACE" --db r.db >/dev/null || rep_die "run after the lock was released"
[ "$(rep_q r.db 'SELECT count(*) FROM runs')" = 5 ] || rep_die "run count after the lock"

# --- read-only: a write-protected file (as an unprivileged user when we are root) ---
# The unprivileged user may not be able to reach anything of ours: the clone (say /root/x,
# mode 0700), the program inside it, $W under a private TMPDIR. So it gets copies of the
# program, the trace and the database in a directory of its own under /tmp.
as_user() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; else "$@"; fi; }
partial=""
if [ "$(id -u)" != 0 ] || command -v setpriv >/dev/null; then
	U=$(mktemp -d /tmp/ssdcache-ro.XXXXXX)
	UDIRS="$U"
	cp "$PROG" "$U/ssdcache-sim"
	cp "$TRACE" "$U/trace.txt"
	chmod 755 "$U/ssdcache-sim"
	chmod 644 "$U/trace.txt"
	mkdir "$U/ro" && cp r.db "$U/ro/r.db" && chmod 444 "$U/ro/r.db" && chmod 555 "$U/ro"
	chmod 755 "$U"
	if [ "$(id -u)" = 0 ]; then
		mkdir "$U/home" && chown 65534:65534 "$U/home"
	else
		mkdir "$U/home"
	fi
	UPROG=$U/ssdcache-sim
	UTRACE=$U/trace.txt
	before=$(sum "$U/ro/r.db")
	# The user can run the program on the trace at all (else every check below is moot).
	(cd "$U/home" && as_user "$UPROG" run "$UTRACE" >/dev/null 2>"$W/user.err") ||
		{ cat "$W/user.err"; rep_die "the unprivileged user cannot run the copied program"; }
	cd "$U/home"
	rep_expect_err 1 "database is read-only" as_user "$UPROG" run "$UTRACE" --db "$U/ro/r.db"
	rep_expect_err 1 "read-only" as_user "$UPROG" sweep "$UTRACE" --blocksize 8,256 --db "$U/ro/r.db" --no-progress
	# Reading a read-only file in a read-only directory works.
	as_user "$UPROG" report --db "$U/ro/r.db" --csv >"$W/ro.csv" || rep_die "report of a read-only database"
	cd "$W"
	[ "$(wc -l <ro.csv)" = 6 ] || rep_die "read-only report rows"
	[ "$(sum "$U/ro/r.db")" = "$before" ] || rep_die "read-only database changed"
	[ "$(ls -A "$U/ro")" = r.db ] || rep_die "read-only directory gained files: $(ls -A "$U/ro")"
else
	partial="root without setpriv (util-linux): the read-only case did not run"
fi

# --- disk full: a small tmpfs (needs mount privileges; skipped with a notice otherwise) ---
MNT=$W/mnt
mkdir "$MNT"
if mount -t tmpfs -o size=1m tmpfs "$MNT" 2>/dev/null; then
	rep_q r.db "VACUUM INTO '$MNT/full.db'"
	n=$(rep_q "$MNT/full.db" 'SELECT count(*) FROM runs')
	dd if=/dev/zero of="$MNT/filler" bs=4k 2>/dev/null || true
	rep_expect_err 1 "disk full" "$PROG" run "$TRACE" --db "$MNT/full.db"
	grep -q "the database is unchanged" cmd.err || rep_die "disk full: no 'unchanged'"
	rm -f "$MNT/filler"
	[ "$(rep_q "$MNT/full.db" 'PRAGMA integrity_check')" = ok ] || rep_die "disk full: integrity"
	[ "$(rep_q "$MNT/full.db" 'SELECT count(*) FROM runs')" = "$n" ] || rep_die "disk full: half a run"
	"$PROG" run "$TRACE" --db "$MNT/full.db" >/dev/null || rep_die "after freeing space"
	umount "$MNT"
	MNT=""
else
	echo "NOTE: cannot mount a tmpfs here: the full-disk case runs in tests/reports/test_db.c only"
	MNT=""
fi
if [ -n "$partial" ]; then
	echo "SKIP: $partial"
	exit 77
fi
echo "ok"
