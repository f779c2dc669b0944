#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Victim policies and admission rules on the command line, and opt's bound: over all pieces,
# opt hits at least as often as every other victim policy on the bundled captures and on a
# generated zipf trace (writethrough, zero-latency fixed devices, --quirks fixed).
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib/common.sh
e2e_tmpdir
T=data/traces/oltp_small/oltp_small.blkparse.txt
ZERO=(--cache-dev fixed:size=2M,read=0,write=0 --target-dev fixed:size=16T,read=0,write=0)

# names come from the registry: run, the table, sweep, help
expect_in 0 "policy: fifo" "$PROG" run "$T" --policy fifo --quiet
expect_in 0 "options 1 clock " "$PROG" run "$T" --table "blocksize 8 options 1 clock" --quiet
expect_in 0 "srrip" "$PROG" run --help
expect_in 0 "nhit:N" "$PROG" run --help
expect_in 0 "--admit RULE" "$PROG" sweep --help
expect_in 2 "unknown policy (known: lfu lru fifo random clock srrip opt mru)" "$PROG" run "$T" --policy arc
expect_in 2 "unknown rule 'lfu'" "$PROG" run "$T" --admit lfu
expect_in 2 "--admit nhit:N: bad N 'x'" "$PROG" run "$T" --admit nhit:x
expect_in 2 "--seed" "$PROG" run "$T" --seed -1
expect_in 0 "writethrough fifo" "$PROG" sweep "$T" --policy fifo,opt --dry-run --db "$tmp/d.db"
expect_in 0 "writethrough opt" "$PROG" sweep "$T" --policy fifo,opt --dry-run --db "$tmp/d.db"
expect_in 0 "" "$PROG" sweep "$T" --policy lru,opt --admit size:64K --blocksize 8 --max-requests 400 -j 1 \
	--no-progress --db "$tmp/s.db"
got=$(sqlite3 "$tmp/s.db" "select group_concat(policy || ' ' || options, ';') from (select * from runs order by policy)")
[ "$got" = "lru admit=size:65536;opt admit=size:65536" ] || { echo "FAIL: sweep database: '$got'"; fail=1; }
expect_in 0 "--admit nhit:2 --seed 3" "$PROG" sweep "$T" --policy opt --admit nhit:2 --seed 3 --emit-jobs --db "$tmp/d.db"
# opt under replay has no oracle: a usage error naming it
expect_in 2 "oracle" "$PROG" replay "$T" --cache "$tmp/c" --target "$tmp/t" --cache-create 8M \
	--target-create 64M --policy opt --max-requests 10

# admission: named in the summary and JSON; the seed's status lines keep their format
expect_in 0 "admission nhit:2,size:65536 (" "$PROG" run "$T" --admit nhit:2,size:64K --quiet
head -1 "$tmp/out" | grep -q '^cmd [0-9]*/32 cte ' || { echo "FAIL: INFO line: $(head -1 "$tmp/out")"; fail=1; }
"$PROG" run "$T" --admit seqcut:1M --json --quiet | python3 -c '
import json,sys; d=json.load(sys.stdin); c=d["config"]
assert c["admit"]=="seqcut:1048576" and c["not_admitted"]>0, c' || { echo "FAIL: JSON admit"; fail=1; }
# recorded in the database
"$PROG" run "$T" --admit nhit:3 --policy srrip --db "$tmp/r.db" --quiet >/dev/null || { echo "FAIL: run --db"; fail=1; }
got=$(sqlite3 "$tmp/r.db" "select policy || ' ' || options from runs" 2>/dev/null || true)
[ "$got" = "srrip admit=nhit:3" ] || { echo "FAIL: database policy/options: '$got'"; fail=1; }

# opt's bound
"$PROG" trace gen --requests 20000 --device-size 256M --pattern zipf:0.9 --read-ratio 0.7 --seed 3 \
	-o "$tmp/zipf.txt" || { echo "FAIL: trace gen"; fail=1; }
for trace in data/traces/oltp_small/oltp_small.blkparse.txt data/traces/build/build.blkparse.txt \
	data/traces/nvme_sample/sample.blkparse.derived.txt "$tmp/zipf.txt"; do
	for table in "blocksize 8 assoc 4 writethrough options 1 evict_on_write" "blocksize 8 assoc 2 writethrough"; do
		: >"$tmp/hits"
		for p in lfu lru fifo random clock srrip opt mru; do
			"$PROG" run "$trace" --policy $p --quirks fixed --table "$table" "${ZERO[@]}" --json --quiet |
				python3 -c '
import json,sys; o=json.load(sys.stdin)["outcomes"]
hit=sum(o[k] for k in ("READ_CLEAN","READ_BUSY","READ_INVALID","WRITE_INVALID","WRITE_BUSY","WRITE_CANCEL"))
print(sys.argv[1], hit)' $p >>"$tmp/hits" || { echo "FAIL: $p on $trace"; fail=1; }
		done
		opt=$(awk '$1=="opt"{print $2}' "$tmp/hits")
		worse=$(awk -v o="$opt" '$2>o{print $1"="$2}' "$tmp/hits")
		if [ -n "$worse" ] || [ -z "$opt" ]; then
			echo "FAIL: opt ($opt) below $worse on $trace [$table]"; fail=1
		else
			echo "ok   opt $opt >= $(awk '$1!="opt"{printf "%s=%s ", $1, $2}' "$tmp/hits")($(basename "$trace"), $table)"
		fi
	done
done
exit $fail
