#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# db_files.sh - after every command that opens a results database, its directory holds the
# .db file alone: no empty FILE-wal or FILE-shm left by a reader.
set -euo pipefail
: "${PROG:?PROG must name build/ssdcache-sim}"
. "$(dirname "$0")/lib/reports.bash"

rep_workdir
rep_small_trace
mkdir d

only_db() { # WHAT: d/ holds *.db files only
	local extra
	extra=$(ls -A d | grep -v '\.db$' || true)
	[ -z "$extra" ] || rep_die "$1 left $(echo "$extra" | tr '\n' ' ')in the database directory"
}

"$PROG" run "$TRACE" --db d/a.db >/dev/null
only_db "run --db"
"$PROG" sweep "$TRACE" --blocksize 8,16 --db d/b.db --no-progress >/dev/null
only_db "sweep"
"$PROG" db info d/a.db >/dev/null
only_db "db info"
"$PROG" report --db d/a.db --csv >/dev/null
only_db "report --csv"
"$PROG" report --db d/b.db --json >/dev/null
only_db "report --json"
"$PROG" report --db d/a.db --where "mode = writebak" --csv >/dev/null 2>&1 && rep_die "no match: exit 0"
only_db "report with no match"
"$PROG" db merge d/c.db d/a.db d/b.db >/dev/null
only_db "db merge (target and shards)"
"$PROG" db info d/c.db >/dev/null
only_db "db info of a merge"
if command -v gnuplot >/dev/null; then
	"$PROG" report --db d/c.db --out rep >/dev/null
	only_db "report (HTML)"
fi
# A database another reader keeps open: ours must not remove what that reader needs, and
# the files go when the last connection closes.
(echo "BEGIN; SELECT count(*) FROM runs;"; sleep 1; echo "COMMIT;") | sqlite3 d/c.db >/dev/null &
holder=$!
sleep 0.3
"$PROG" report --db d/c.db --csv >c.csv || rep_die "report beside another reader"
wait "$holder"
[ "$(wc -l <c.csv)" = 4 ] || rep_die "report beside another reader: $(wc -l <c.csv) lines"
only_db "report beside another reader (after both closed)"
# A name with the characters a SQLite URI gives a meaning to: opened as that file, still clean.
odd='d/odd %3F?#name.db'
cp d/a.db "$odd"
"$PROG" db info "$odd" >/dev/null || rep_die "db info of '$odd'"
"$PROG" report --db "$odd" --csv >odd.csv || rep_die "report of '$odd'"
[ "$(wc -l <odd.csv)" = 2 ] || rep_die "report of '$odd': $(wc -l <odd.csv) lines"
"$PROG" db merge d/c.db "$odd" >/dev/null || rep_die "merge of '$odd'"
only_db "commands on '$odd'"
[ "$(ls -A d | wc -l)" = 4 ] || rep_die "files created under another name: $(ls -A d | tr '\n' ' ')"
[ "$(rep_q d/c.db 'PRAGMA integrity_check')" = ok ] || rep_die "integrity"
only_db "sqlite3 integrity check"
echo "ok"
