#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A capture whose timestamps jump (one CPU's clock 1.27e9 s off): `run` keeps
# the time series sparse (memory for the intervals that have arrivals, not for the 1.27e9 s
# between), warns once at the record where the time jumps (file:line for text, file: offset for
# binary) with the jump's size, and the JSON and database consumers of the series still work.
set -u
: "${PROG:?PROG must name build/ssdcache-sim}"
E2E_OK="ok   " E2E_FAIL="FAIL "
. "$(dirname "$0")/lib/common.sh"
e2e_tmpdir

# The torture trace: a blkparse text of 3000 requests where CPU 1's completions carry a clock
# 1.27e9 s ahead. blkparse prints events in time order, so CPU 1's come last: the first of them
# is the line after the last of CPU 0's.
"$PROG" trace gen --requests 3000 --device-size 256M --seed 7 >"$tmp/base.txt" || bad "trace gen"
awk '{ if ($6 == "C" && $3 % 6 == 0) { $2 = 1; $4 = sprintf("%.9f", $4 + 1270000000.0); off[++n] = $0 }
       else print }
     END { for (i = 1; i <= n; i++) print off[i] }' "$tmp/base.txt" >"$tmp/jump.txt"
first=$(grep -n ' 1 [0-9]* 127000000' "$tmp/jump.txt" | head -1 | cut -d: -f1)
last0=$(awk '$2 == 0 && $6 == "C" { t = $4 } END { print t }' "$tmp/jump.txt")
[ -n "$first" ] || bad "the torture trace has no jumped record"

F=(--event C --cache-dev fixed:size=16M --target-dev fixed:size=1G)
# A dense series of 1 s intervals would need 1.27e9 entries (50 GB): under a 2 GB address-space
# limit the run died with "out of memory for the time series", exit 134. (An ASan build reserves
# terabytes of shadow address space: it runs without the limit.)
lim=2000000
ldd "$PROG" 2>/dev/null | grep -q libasan && lim=unlimited
(ulimit -v $lim; "$PROG" run "$tmp/jump.txt" "${F[@]}" --json >"$tmp/j" 2>"$tmp/err")
rc=$?
[ $rc -eq 0 ] && ok "runs in bounded memory (exit 0)" || bad "exit $rc: $(head -c 300 "$tmp/err")"
want="jump.txt:$first: the trace's time jumps forward by 1.27e+09 s (from $last0 s to "
grep -qF "$want" "$tmp/err" && ok "the warning names the record and the size" ||
	bad "stderr lacks '$want': $(cat "$tmp/err")"
[ "$(grep -c 'time jumps' "$tmp/err")" = 1 ] && ok "one jump, one warning" || bad "warnings: $(cat "$tmp/err")"
python3 - "$tmp/j" <<'EOF' && ok "the series is sparse and complete" || bad "series"
import json, sys
d = json.load(open(sys.argv[1]))
s = d["series"]
assert d["interval_ns"] == 10**9
assert len(s) <= 16, len(s)                       # ~4 s of events on each side of the jump
assert sum(x["requests"] for x in s) == d["requests"]["total"] == 3000
assert all(x["requests"] > 0 for x in s)
assert all(a["start_ns"] < b["start_ns"] for a, b in zip(s, s[1:]))
assert s[0]["start_ns"] == 0 and s[-1]["start_ns"] >= 1270000000 * 10**9
assert sum(x["read_pieces"] for x in s) > 0
EOF

# The database takes the same rows; the CSV report reads them back.
(ulimit -v $lim; "$PROG" run "$tmp/jump.txt" "${F[@]}" --quiet --db "$tmp/r.db" >/dev/null 2>"$tmp/err") ||
	bad "run --db: $(head -c 300 "$tmp/err")"
rows=$(python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('SELECT count(*), sum(requests) FROM series').fetchone())" "$tmp/r.db")
nj=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print((len(d['series']), 3000))" "$tmp/j")
[ "$rows" = "$nj" ] && ok "database series rows $rows" || bad "database series rows $rows, JSON $nj"
"$PROG" report --db "$tmp/r.db" --csv >"$tmp/csv" 2>"$tmp/err" && ok "report --csv reads the run" ||
	bad "report --csv: $(head -c 300 "$tmp/err")"

# Binary formats name the byte offset: the same requests as an .sct.
"$PROG" trace convert "$tmp/jump.txt" "$tmp/jump.sct" --event C >/dev/null 2>"$tmp/err" || bad "convert: $(cat "$tmp/err")"
idx=$("$PROG" trace dump "$tmp/jump.sct" | awk '$1 >= 1270000000000000000 { print NR - 1; exit }')
off=$(printf '0x%x' $((256 + 64 * idx)))
(ulimit -v $lim; "$PROG" run "$tmp/jump.sct" --cache-dev fixed:size=16M --target-dev fixed:size=1G >/dev/null 2>"$tmp/err") ||
	bad ".sct run: $(head -c 300 "$tmp/err")"
grep -qF "jump.sct: offset $off: the trace's time jumps forward by 1.27e+09 s" "$tmp/err" &&
	ok ".sct: the warning names offset $off" || bad ".sct: stderr lacks offset $off: $(cat "$tmp/err")"

# A step under an hour is no jump: the unmodified trace warns nothing.
"$PROG" run "$tmp/base.txt" "${F[@]}" >/dev/null 2>"$tmp/err"
grep -q 'time jumps' "$tmp/err" && bad "a trace without a jump warned: $(cat "$tmp/err")" || ok "no jump, no warning"
exit $fail
