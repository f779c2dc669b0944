#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sweep_parallel.sh - the "beyond one machine" path: sweep --emit-jobs, GNU parallel running the
# jobs into shard databases, db merge; the merge is idempotent and equals a local sweep.
set -euo pipefail
: "${PROG:?PROG must name build/ssdcache-sim}"
. "$(dirname "$0")/lib/reports.bash"

if ! command -v parallel >/dev/null; then
	echo "SKIP: GNU parallel is not installed (Debian package 'parallel'; scripts/install-deps)"
	exit 77 # a skip, counted as such by tests/e2e/lib/runner.sh
fi
rep_workdir
rep_small_trace
AXES=(--blocksize 16,64,256 --assoc 1,4 --mode writeback --cache-size 16M,64M)
N=12

# One self-contained command per configuration, each with its own shard.
"$PROG" sweep "$TRACE" "${AXES[@]}" --emit-jobs --shard-dir "$W/shards" >jobs.txt 2>emit.err
[ "$(wc -l <jobs.txt)" = "$N" ] || rep_die "expected $N jobs, got $(wc -l <jobs.txt)"
grep -q "db merge" emit.err || rep_die "no merge hint on stderr"
# Self-contained: absolute program and trace, -j 1, its own --db.
head -1 jobs.txt | grep -q "^$PROG sweep $TRACE " || rep_die "job does not name the program and trace absolutely"
[ "$(grep -c -- ' -j 1 ' jobs.txt)" = "$N" ] || rep_die "jobs are not single-worker"
[ "$(grep -o -- '--db [^ ]*' jobs.txt | sort -u | wc -l)" = "$N" ] || rep_die "shards are not distinct"

# GNU parallel runs them (locally here; --sshlogin on a cluster).
parallel --will-cite -j 2 --halt now,fail=1 <jobs.txt >parallel.out 2>parallel.err ||
	{ tail parallel.err; rep_die "a job failed under GNU parallel"; }
[ "$(ls shards/*.db | wc -l)" = "$N" ] || rep_die "expected $N shard files"

# Merge, then merge again (idempotent), then another order into another file.
"$PROG" db merge all.db shards/*.db >merge1.txt
grep -q "all.db: $N runs added from $N shards" merge1.txt || { cat merge1.txt; rep_die "first merge"; }
"$PROG" db merge all.db shards/*.db >merge2.txt
grep -q "all.db: 0 runs added from $N shards ($N already present)" merge2.txt ||
	{ cat merge2.txt; rep_die "second merge was not idempotent"; }
ls shards/*.db | sort -r | xargs "$PROG" db merge rev.db >/dev/null
for db in all.db rev.db; do
	[ "$(rep_q $db 'SELECT count(*) FROM runs')" = "$N" ] || rep_die "$db: run count"
	[ "$(rep_q $db 'SELECT count(DISTINCT config_key) FROM runs')" = "$N" ] || rep_die "$db: duplicates"
	[ "$(rep_q $db 'SELECT count(*) FROM traces')" = 1 ] || rep_die "$db: traces"
	[ "$(rep_q $db 'SELECT count(*) FROM sweeps')" = 1 ] || rep_die "$db: one sweep expected"
	[ "$(rep_q $db 'PRAGMA foreign_key_check' | wc -l)" = 0 ] || rep_die "$db: dangling references"
done
[ "$(rep_q all.db 'SELECT count(*) FROM series')" = "$(rep_q rev.db 'SELECT count(*) FROM series')" ] ||
	rep_die "merge order changed the detail rows"
"$PROG" db info all.db | grep -q "runs:            $N ($N ok" || rep_die "db info counts"

# The same sweep run locally gives the same results, configuration by configuration.
"$PROG" sweep "$TRACE" "${AXES[@]}" --db local.db -j 2 --no-progress >/dev/null
q='SELECT config_key, printf("%.12f", read_hit_ratio), requests FROM run_summary ORDER BY config_key'
diff <(rep_q local.db "$q") <(rep_q all.db "$q") || rep_die "shards and local sweep disagree"
# Merging a local sweep into the merged file adds nothing (same configurations).
"$PROG" db merge all.db local.db | grep -q "local.db: 0 runs added, $N already present" ||
	rep_die "configurations duplicated across sweeps"

# A merge input that is not a database: exit 1, a message naming it, all.db untouched.
rc=0
"$PROG" db merge all.db "$TRACE" 2>bad.err >/dev/null || rc=$?
[ "$rc" = 1 ] || rep_die "bad shard: exit $rc"
grep -q "oltp_small.blkparse.txt" bad.err || rep_die "bad shard: message does not name the file"
[ "$(rep_q all.db 'SELECT count(*) FROM runs')" = "$N" ] || rep_die "bad shard changed all.db"
echo "ok"
