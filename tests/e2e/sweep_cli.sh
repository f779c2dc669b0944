#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sweep_cli.sh - sweep, report and db on the command line: --help, usage errors (exit 2),
# the Q20 notice, --dry-run, list expansion, and agreement with `run --db`.
set -euo pipefail
: "${PROG:?PROG must name build/ssdcache-sim}"
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/reports.bash"

rep_workdir
rep_small_trace

# --help everywhere, on stdout, exit 0.
rep_expect 0 "usage: ssdcache-sim sweep TRACE" "$PROG" sweep --help
rep_expect 0 "usage: ssdcache-sim report" "$PROG" report --help
rep_expect 0 "usage: ssdcache-sim db merge" "$PROG" db --help
rep_expect 0 "usage: ssdcache-sim db merge" "$PROG" db merge --help
rep_expect 0 "usage: ssdcache-sim db merge" "$PROG" db info --help

# Usage errors: exit 2 with a message that says what was wrong.
rep_expect 2 "TRACE expected" "$PROG" sweep
rep_expect 2 "unknown option '--bogus'" "$PROG" sweep "$TRACE" --bogus
rep_expect 2 "'x' is not a whole number" "$PROG" sweep "$TRACE" --blocksize 8,x
rep_expect 2 "unknown value 'fast' (expected writethrough writeback readcache)" "$PROG" sweep "$TRACE" --mode fast
rep_expect 2 "unknown value 'arc' (expected lfu lru fifo random clock srrip opt mru)" "$PROG" sweep "$TRACE" --policy arc
rep_expect 2 "expected seed or fixed" "$PROG" sweep "$TRACE" --quirks maybe
rep_expect 2 "--fix" "$PROG" sweep "$TRACE" --fix Q99
rep_expect 2 "expected 1..1024 workers" "$PROG" sweep "$TRACE" -j 0
rep_expect 2 "needs a < b < c" "$PROG" sweep "$TRACE" --blocksize 64,32,...,8
rep_expect 2 "listed twice" "$PROG" sweep "$TRACE" --assoc 4,4
rep_expect 2 "is not a size" "$PROG" sweep "$TRACE" --cache-size 1Q
rep_expect 2 "needs a value" "$PROG" sweep "$TRACE" --db
rep_expect 2 "unknown subcommand 'frob'" "$PROG" db frob
rep_expect 2 "expected OUT.db and at least one SHARD.db" "$PROG" db merge out.db
rep_expect 1 "No such file" "$PROG" sweep "$W/none.txt" --db r.db

# List expansion and --dry-run (nothing is run, nothing recorded).
"$PROG" sweep "$TRACE" --blocksize 8,16,...,256 --assoc 0,1,2,4,8 --mode writeback --db r.db --dry-run >dry.txt
[ "$(grep -c '^todo ' dry.txt)" = 30 ] || rep_die "8,16,...,256 x 5 associativities: $(grep -c '^todo ' dry.txt) configurations"
grep -q "^todo  blocksize 128 assoc 8 writeback lfu$" dry.txt || rep_die "dry-run line format"
[ "$(rep_q r.db 'SELECT count(*) FROM runs')" = 0 ] || rep_die "--dry-run recorded runs"

# Q20: in seed mode block sizes above 256 are skipped with a notice; --fix Q20 runs them.
rep_expect 0 "skipping 1 configuration: blocksize 512: above 256 sectors the seed overflows" \
	"$PROG" sweep "$TRACE" --blocksize 128,512 --db r.db --no-progress
grep -q "1 configurations: 1 run now" cmd.out || rep_die "the Q20 sweep ran $(cat cmd.out)"
rep_expect 0 "2 run now (2 ok" "$PROG" sweep "$TRACE" --blocksize 128,512 --fix Q20 --db r.db --no-progress
rep_expect 2 "no configuration left to run" "$PROG" sweep "$TRACE" --blocksize 512,1024 --db r.db --no-progress

# A configuration recorded by `run --db` is the same configuration for the sweep.
"$PROG" run "$TRACE" --table "blocksize 64 assoc 2 writeback options 1 lru" --db agree.db >run.out
"$PROG" sweep "$TRACE" --blocksize 32,64 --assoc 2 --mode writeback --policy lru --db agree.db \
	--no-progress >sweep.out
grep -q "1 run now (1 ok, 0 refused, 0 failed), 1 already in" sweep.out || { cat sweep.out; rep_die "run and sweep keys differ"; }
hit_run=$(sed -n 's/^read hit ratio: \([0-9.]*\).*/\1/p' run.out)
hit_db=$(rep_q agree.db "SELECT printf('%.4f', read_hit_ratio) FROM run_summary WHERE block_size = 64")
[ "$hit_run" = "$hit_db" ] || rep_die "run printed $hit_run, the database holds $hit_db"
# ...and the sweep (reading a converted .sct copy) agrees with run on every counter.
"$PROG" run "$TRACE" --table "blocksize 32 assoc 2 writeback options 1 lru" --db agree2.db >/dev/null
q="SELECT s.read_clean, s.read_miss, s.write_miss, s.write_skip, s.cache_evictions, s.requests,
   s.miss_compulsory, s.miss_capacity, s.miss_conflict FROM results s JOIN runs r USING (run_id)
   WHERE r.block_size = 32"
a=$(rep_q agree.db "$q")
b=$(rep_q agree2.db "$q")
[ -n "$a" ] && [ "$a" = "$b" ] || rep_die "sweep and run counters differ: '$a' vs '$b'"
[ "$(rep_q agree.db "SELECT skipped_lines > 0 FROM traces")" = 1 ] || rep_die "trace stats lost in conversion"

# A bad trace stops the sweep before any run, with the position of the error.
head -100 "$TRACE" >bad.txt
echo "  7,0    0   999     1.000000000  1000  Q   R oops + 8 [fio]" >>bad.txt
rep_expect 1 "bad.txt:101" "$PROG" sweep bad.txt --blocksize 8,16 --db bad.db --no-progress
[ "$(rep_q bad.db 'SELECT count(*) FROM runs')" = 0 ] || rep_die "runs recorded from a bad trace"

# A blktrace capture by its base name NAME (NAME.blktrace.N), as `run` takes it.
mkdir cap
for f in "$(dirname "$TRACE")"/oltp_small.blktrace.*; do cp "$f" "cap/cpt.blktrace.${f##*.blktrace.}"; done
ncpu=$(ls cap | wc -l)
[ "$ncpu" -ge 2 ] || rep_die "the bundled capture has $ncpu per-CPU files"
bytes=$(cat cap/cpt.blktrace.* | wc -c)
rep_expect 0 "2 run now (2 ok, 0 refused, 0 failed)" "$PROG" sweep cap/cpt --blocksize 8,16 --db bt.db --no-progress
[ "$(rep_q bt.db "SELECT format || ' ' || size_bytes || ' ' || path FROM traces")" = "blktrace $bytes cap/cpt" ] ||
	rep_die "capture by name: trace row '$(rep_q bt.db "SELECT format, size_bytes, path FROM traces")'"
rep_expect 0 "0 run now (0 ok, 0 refused, 0 failed), 2 already" "$PROG" sweep cap/cpt --blocksize 8,16 --db bt.db --no-progress
# run records it as the same trace (same fingerprint), with the same counters as the sweep.
"$PROG" run cap/cpt --table "blocksize 8 assoc 4 writethrough options 1 lfu" --db bt.db >/dev/null
[ "$(rep_q bt.db "SELECT count(*) || ' ' || count(DISTINCT trace_id) FROM runs")" = "3 1" ] ||
	rep_die "run and sweep of the capture are not one trace"
[ "$(rep_q bt.db "SELECT count(DISTINCT s.read_clean || '/' || s.requests) FROM runs r JOIN results s USING (run_id) WHERE r.block_size = 8")" = 1 ] ||
	rep_die "run and sweep of the capture disagree"
# --emit-jobs names it absolutely; a name with no files is an error naming it.
(cd cap && "$PROG" sweep cpt --blocksize 8 --emit-jobs --shard-dir "$W/btshards" >"$W/btjobs.txt" 2>/dev/null)
grep -q " sweep $W/cap/cpt --blocksize 8 " btjobs.txt || { cat btjobs.txt; rep_die "--emit-jobs: capture path"; }
rep_expect 1 "cap/nope: No such file" "$PROG" sweep cap/nope --blocksize 8 --db bt.db --no-progress

# db info
"$PROG" db info --check agree.db >info.txt
grep -q "^schema version:  7" info.txt && grep -q "^integrity:       ok" info.txt &&
	grep -q "^runs:            2 (2 ok" info.txt || { cat info.txt; rep_die "db info"; }
echo "ok"
