#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `ssdcache-sim run`: the command-line contract, exit statuses and messages for bad arguments.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib/common.sh
e2e_tmpdir
T=tests/golden/decisions/hand1_wt_basic/trace
DEVS=(--cache-dev fixed:size=64M,read=100us,write=200us --target-dev fixed:size=1T,read=5ms,write=5ms)

# the contract of the engine issue, exactly
expect_in 0 "target cache blocksize 256 writethrough assoc 4 options 2 lru queue_busy " \
	"$PROG" run "$T" "${DEVS[@]}" --table "blocksize 256 assoc 4 writethrough options 2 lru queue_busy" \
	--hz 250 --decision-log "$tmp/log"
head -n 1 "$tmp/out" | grep -qx 'cmd 1/32 cte 0/1/512' || { echo "FAIL: INFO first line: $(head -1 "$tmp/out")"; fail=1; }
[ "$(wc -l < "$tmp/log")" -eq 6 ] || { echo "FAIL: decision log has $(wc -l < "$tmp/log") lines"; fail=1; }
head -1 "$tmp/log" | grep -qx '0 R 64 8 READ_MISS 0 0 5000001' || { echo "FAIL: log line 0: $(head -1 "$tmp/log")"; fail=1; }
grep -q '^read hit ratio: ' "$tmp/out" || { echo "FAIL: no summary"; fail=1; }

# help and defaults
expect_in 0 "--decision-log FILE" "$PROG" run --help
expect_in 0 "blocksize 256 writethrough assoc 4" "$PROG" run "$T"
expect_in 0 '"read_hit_ratio"' "$PROG" run "$T" --json
"$PROG" run "$T" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["counters"]["read_clean"]>=0' \
	|| { echo "FAIL: --json is not JSON"; fail=1; }

# Nothing read: the read hit ratio is "n/a" in the text, null in JSON and NULL in the database,
# never a plausible-looking 0.0000.
printf '  8,0    0        1     0.000000001  1000  Q   W 0 + 8 [x]\n  8,0    0        2     0.001000000  1000  Q   W 64 + 8 [x]\n' >"$tmp/w.txt"
expect_in 0 "read hit ratio: n/a (no read pieces)" "$PROG" run "$tmp/w.txt"
if grep -q 'read hit ratio: 0' "$tmp/out"; then echo "FAIL: a hit ratio of a write-only trace"; fail=1; fi
"$PROG" run "$tmp/w.txt" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["read_hit_ratio"] is None and d["sector_read_hit_ratio"] is None, d["read_hit_ratio"]' \
	|| { echo "FAIL: --json: read_hit_ratio of a write-only trace is not null"; fail=1; }
"$PROG" run "$tmp/w.txt" --db "$tmp/w.db" >/dev/null
[ "$(sqlite3 "$tmp/w.db" 'SELECT read_hit_ratio IS NULL AND sector_read_hit_ratio IS NULL FROM results')" = 1 ] \
	|| { echo "FAIL: --db: read_hit_ratio of a write-only trace is not NULL"; fail=1; }
expect_in 0 "read hit ratio: 0." "$PROG" run "$T"

# usage errors: exit 2, the argument named
expect_in 2 "missing TRACE" "$PROG" run
expect_in 2 "blocksize 384" "$PROG" run "$T" --table "blocksize 384"
expect_in 2 "Q20" "$PROG" run "$T" --table "blocksize 512"
expect_in 0 "blocksize 512" "$PROG" run "$T" --table "blocksize 512" --fix Q20
expect_in 0 "blocksize 2048" "$PROG" run "$T" --table "blocksize 2048" --quirks fixed
expect_in 2 "assoc 65" "$PROG" run "$T" --table "assoc 65"
expect_in 2 "blocksize: missing value" "$PROG" run "$T" --table "assoc 2 blocksize"
expect_in 2 "'bogus': invalid argument" "$PROG" run "$T" --table "bogus"
expect_in 2 "invalid number of options" "$PROG" run "$T" --table "options 6 lru lru lru lru lru lru"
expect_in 0 "unknown option 'turbo' ignored" "$PROG" run "$T" --table "options 1 turbo"
expect_in 2 "unknown option 'turbo'" "$PROG" run "$T" --table "options 1 turbo" --fix Q28
expect_in 2 "Q22" "$PROG" run "$T" --cache-dev fixed:size=1M --table "blocksize 256"
# A cache device too small for the block size is the device's problem: named, with the minimum.
expect_in 2 "--cache-dev fixed:size=4K: too small: cache of 4096 bytes holds fewer than 16 blocks of 256 sectors" \
	"$PROG" run "$T" --cache-dev fixed:size=4K
grep -qF "it needs at least 2 MiB for blocksize 256" "$tmp/err" || { echo "FAIL: no minimum size"; fail=1; }
if grep -qF -- "--table:" "$tmp/err"; then echo "FAIL: blamed on --table"; fail=1; fi
expect_in 2 "it needs at least 64 KiB for blocksize 8" "$PROG" run "$T" --cache-dev fixed:size=60K --table "blocksize 8"
expect_in 2 "unknown device model 'tape'" "$PROG" run "$T" --cache-dev tape:size=1M
expect_in 2 "bad size" "$PROG" run "$T" --cache-dev fixed:size=64Q
expect_in 2 "bad time" "$PROG" run "$T" --target-dev fixed:read=5parsecs
expect_in 2 "did you mean 'read'" "$PROG" run "$T" --target-dev fixed:raed=5ms
expect_in 2 "--hz 0" "$PROG" run "$T" --hz 0
expect_in 2 "--fix" "$PROG" run "$T" --fix Q99
expect_in 2 "--quirks maybe" "$PROG" run "$T" --quirks maybe
expect_in 2 "unknown option" "$PROG" run "$T" --frobnicate
expect_in 2 "bad --event 'X' (expected Q, D or C)" "$PROG" run "$T" --event X
expect_in 2 "bad --device '8' (expected MAJOR,MINOR" "$PROG" run "$T" --device 8
expect_in 2 "unknown format 'xls'" "$PROG" run "$T" --format xls
expect_in 2 "--policy arc" "$PROG" run "$T" --policy arc

# runtime errors: exit 1, file named
expect_in 1 "/nonexistent/trace" "$PROG" run /nonexistent/trace
printf '  8,0    0        1     0.000000001  1000  Q   R 64 + eight [fio]\n' > "$tmp/bad"
expect_in 1 "bad:1" "$PROG" run "$tmp/bad"
expect_in 1 "" "$PROG" run "$T" --decision-log /nonexistent/dir/log
expect_in 1 "Q15" "$PROG" run "$T" --table "options 1 async_lookup" --seed-crash abort

# the seed's crash points are counted and reported once in continue mode
expect_in 0 "the seed would crash (Q15)" "$PROG" run "$T" --table "options 1 async_lookup"
# quirks listing and its document
expect_in 0 "Q38" "$PROG" quirks
"$PROG" quirks --markdown | cmp -s - docs/quirks.md || { echo "FAIL: docs/quirks.md is not what 'quirks --markdown' prints"; fail=1; }
exit $fail
