#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# report_refs.sh - a sweep stores the fully associative reference curves of its block and cache
# sizes once (the same numbers `trace mrc` gives on the trace's reads, at the engine's capacity
# for that cache size), and the report's trace/placement/policy figure draws them.
set -euo pipefail
: "${PROG:?PROG must name build/ssdcache-sim}"
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/reports.bash"
rep_workdir

# Reads and writes: the reference must see the reads alone.
"$PROG" trace gen --requests 3000 --device-size 256M --pattern zipf:0.8 --read-ratio 0.7 \
	--seed 3 -o mixed.sct
"$PROG" trace gen --requests 3000 --device-size 256M --pattern zipf:0.8 --read-ratio 0.7 \
	--seed 3 -o mixed.txt
# 24 MiB of 4 KiB blocks: 384 cmds, rounded down to 256 by the engine: 16 MiB of slots.
"$PROG" sweep mixed.sct --blocksize 8,32 --assoc 4 --policy lru,opt --cache-size 24M,64M \
	--quirks fixed --db r.db -j 2 --no-progress >/dev/null
[ "$(rep_q r.db "SELECT count(*) FROM ref_curves")" = 8 ] || rep_die "want 2 block sizes x 2 sizes x lru,opt"
[ "$(rep_q r.db "SELECT DISTINCT reads_only FROM ref_curves")" = 1 ] || rep_die "reads_only"

# The judge: trace mrc on the reads of the same trace (writes dropped with awk).
awk '$6 == "Q" && $7 ~ /R/' mixed.txt >reads.txt
for bb in 4096 16384; do
	"$PROG" trace mrc reads.txt --blocksize "$bb" --sizes 16M,64M --policy lru,opt --json >mrc.json
	for pol in lru opt; do
		for pair in 25165824:16777216 67108864:67108864; do
			dev=${pair%%:*}
			cap=${pair##*:}
			want=$(python3 -c "import json,sys; d=json.load(open('mrc.json'))['mrc']
print(next('%d %d' % (p['accesses'], p['misses']) for p in d if p['policy']=='$pol' and p['size_bytes']==$cap))")
			got=$(rep_q r.db "SELECT accesses || ' ' || misses FROM ref_curves WHERE block_bytes = $bb
				AND size_bytes = $dev AND policy = '$pol'")
			[ "$got" = "$want" ] || rep_die "block $bb, device $dev, $pol: stored '$got', trace mrc '$want'"
		done
	done
done
# The reference counts what the runs' read hit ratio counts: one access per read piece.
[ "$(rep_q r.db "SELECT count(*) FROM run_summary s JOIN ref_curves f ON f.trace_id = s.trace_id
	AND f.block_bytes = s.block_bytes AND f.size_bytes = s.cache_size AND f.policy = 'opt'
	WHERE f.accesses != s.read_pieces")" = 0 ] || rep_die "read pieces != reference accesses"

# Once per trace: a second sweep of the same sizes adds no row and keeps the numbers.
before=$(rep_q r.db "SELECT group_concat(misses) FROM ref_curves ORDER BY 1")
"$PROG" sweep mixed.sct --blocksize 8 --assoc 1 --policy lru --cache-size 24M --quirks fixed \
	--sweep-id again --db r.db -j 1 --no-progress >/dev/null
[ "$(rep_q r.db "SELECT count(*) FROM ref_curves")" = 8 ] || rep_die "a second sweep added rows"
[ "$(rep_q r.db "SELECT group_concat(misses) FROM ref_curves ORDER BY 1")" = "$before" ] || rep_die "changed"

# The report draws them: the fully associative columns are the stored ratios, in %.
if command -v gnuplot >/dev/null; then
	"$PROG" report --db r.db --out rep --where "sweep != 'again'" >/dev/null
	gp=rep/gnuplot/f1-gap-1.gp
	[ -f "$gp" ] || rep_die "no gap figure"
	grep -q 'set ylabel "read miss ratio (%)"' "$gp" || rep_die "axis label"
	fa=$(rep_q r.db "SELECT printf('%.4f %.4f', 100.0 * l.misses / l.accesses, 100.0 * o.misses / o.accesses)
		FROM ref_curves l JOIN ref_curves o USING (trace_id, block_bytes, size_bytes)
		WHERE l.policy = 'lru' AND o.policy = 'opt' AND block_bytes = 4096 AND size_bytes = 25165824")
	row=$(awk '/^0 4KiB\/a4 / { printf "%.4f %.4f", $5, $6 }' "$gp")
	[ "$row" = "$fa" ] || rep_die "gap figure: fully associative '$row', stored '$fa'"
	grep -q 'title "policy (lru - opt here)"' "$gp" || rep_die "policy share title"
fi
echo "ok"
