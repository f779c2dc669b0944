#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# replay --verify: real data with sector headers, every read checked. In fixed
# mode nothing is stale, misplaced or corrupt; corruptions injected into cache reads are all
# detected, exactly: data mismatches = injected corruptions, each listed in --verify-log.
set -u
cd "$(dirname "$0")/../.."
E2E_OK="ok   " E2E_FAIL="FAIL "
. tests/e2e/lib/common.sh
e2e_tmpdir
py() { jpy "$tmp/j" "$1"; }

# a hot working set (a cache has hits to serve) with rewrites of the same blocks
"$PROG" trace gen --requests 6000 --device-size 16M --pattern zipf:1.1 --read-ratio 0.6 \
	--size 4K@3,8K@1 --arrival poisson:20000 --seed 5 -o "$tmp/w.txt" 2>/dev/null || { echo "FAIL gen"; exit 1; }
# --direct: through the page cache, a read that copies a page while a racing user write of the
# same sector is copied in can tear that sector (a bad CRC, which the verifier cannot tell from
# corruption: it was seen once in about ten runs under ASan); O_DIRECT moves whole sectors.
D=(--cache "$tmp/c.img" --cache-create 4M --target "$tmp/t.img" --target-create 16M --quiet --direct)
for mode in writethrough writeback; do
	"$PROG" replay "$tmp/w.txt" "${D[@]}" --table "blocksize 8 assoc 4 $mode" --quirks fixed --qd 16 \
		--verify --json > "$tmp/j" 2> "$tmp/err" || bad "verify $mode: $(cat "$tmp/err")"
	[ "$(py 'd["verify"]["checked_reads"] > 2000 and d["verify"]["mismatches"] == d["verify"]["stale"] == d["verify"]["misplaced"] == d["verify"]["corrupt"] == 0 and d["counters"]["read_clean"] > 500')" = True ] \
		&& ok "fixed $mode: $(py 'd["verify"]["checked_reads"]') reads checked, 0 mismatches ($(py 'd["counters"]["read_clean"]') cache hits)" \
		|| bad "fixed $mode: $(py 'd["verify"], d["counters"]["read_clean"]')"
done
# open loop too (requests overlap as the trace says)
"$PROG" replay "$tmp/w.txt" "${D[@]}" --table "blocksize 8 assoc 4 writeback" --quirks fixed --verify --speed 4 \
	> "$tmp/out" 2> "$tmp/err"
grep -q "^data mismatches: 0$" "$tmp/out" && grep -q "^data verification: [0-9]* reads checked; stale 0, misplaced 0, corrupt 0" "$tmp/out" \
	&& ok "fixed, open loop: 0 mismatches" || bad "open loop: $(grep -i 'verif\|mismatch' "$tmp/out") $(cat "$tmp/err")"

# buffered (no --direct), open loop, hot blocks read and rewritten at once: reads race writes of
# the same sectors; a torn sector among the raced ones is counted as torn, never as a mismatch
B=(--cache "$tmp/c.img" --target "$tmp/t.img" --quiet --table "blocksize 8 assoc 4 writeback" --quirks fixed --verify)
for run in 1 2; do
	"$PROG" replay "$tmp/w.txt" "${B[@]}" --speed 4 --verify-log "$tmp/vlog" --json > "$tmp/j" 2> "$tmp/err" \
		|| bad "buffered: $(cat "$tmp/err")"
	[ "$(py 'd["verify"]["racing"] > 100 and d["verify"]["mismatches"] == d["verify"]["stale"] == d["verify"]["misplaced"] == d["verify"]["corrupt"] == 0')" = True ] \
		&& ok "fixed, buffered, open loop (run $run): $(py 'd["verify"]["checked_reads"]') reads checked, $(py 'd["verify"]["racing"]') racing a write ($(py 'd["verify"]["torn"]') torn), 0 mismatches" \
		|| bad "buffered run $run: $(py 'd["verify"]')"
	# the log names every racing read (column 12: its racing sectors)
	[ "$(awk '$12 > 0' "$tmp/vlog" | wc -l)" = "$(py 'd["verify"]["racing"]')" ] || bad "racing reads in the log: $(awk '$12 > 0' "$tmp/vlog" | wc -l)"
done
"$PROG" replay "$tmp/w.txt" "${B[@]}" --speed 4 --inject corrupt-cache-read=0.05 --seed 3 --json > "$tmp/j" 2> "$tmp/err"
[ "$(py 'd["verify"]["injected"] > 20 and d["verify"]["racing"] > 100 and d["verify"]["mismatches"] == d["verify"]["corrupt"] == d["verify"]["injected"]')" = True ] \
	&& ok "buffered, racing reads, --inject: $(py 'd["verify"]["injected"]') injected (none into a racing read), all detected" \
	|| bad "buffered inject: $(py 'd["verify"]')"

# injected corruptions: every one detected, none more
for seed in 1 2; do
	"$PROG" replay "$tmp/w.txt" "${D[@]}" --table "blocksize 8 assoc 4 writeback" --quirks fixed --qd 16 --verify \
		--inject corrupt-cache-read=0.05 --seed $seed --verify-log "$tmp/vlog" --json > "$tmp/j" 2> "$tmp/err" \
		|| bad "inject: $(cat "$tmp/err")"
	n=$(py 'd["verify"]["injected"]')
	[ "$(py 'd["verify"]["injected"] > 20 and d["verify"]["mismatches"] == d["verify"]["corrupt"] == d["verify"]["injected"] and d["verify"]["stale"] == d["verify"]["misplaced"] == 0')" = True ] \
		&& [ "$(grep -c ' corrupt ' "$tmp/vlog")" = "$n" ] \
		&& ok "--inject corrupt-cache-read=0.05 --seed $seed: $n injected, $n detected and logged" \
		|| bad "inject seed $seed: $(py 'd["verify"]'), log $(grep -c ' corrupt ' "$tmp/vlog")"
	# the corrupted reads were all served by the cache
	[ "$(awk '$6 == "corrupt" && $5 != "cache"' "$tmp/vlog" | wc -l)" = 0 ] || bad "a corrupt read not from the cache"
done
"$PROG" replay "$tmp/w.txt" "${D[@]}" --table "blocksize 8 assoc 4 writeback" --quirks fixed --qd 16 --verify \
	--inject corrupt-cache-read=0.05 --seed 1 > "$tmp/out" 2>&1
n=$(sed -n 's/^injected corruptions: //p' "$tmp/out")
[ -n "$n" ] && grep -q "^data mismatches: $n$" "$tmp/out" && ok "text: injected corruptions: $n, data mismatches: $n" \
	|| bad "text: $(grep -i 'inject\|mismatch' "$tmp/out")"

# damage on the target itself (not injected): found as corrupt
"$PROG" replay "$tmp/w.txt" "${D[@]}" --table "blocksize 8 assoc 4 writethrough" --quirks fixed --qd 16 --verify --json > /dev/null
python3 - "$tmp/t.img" <<'PY'
import sys
f = open(sys.argv[1], 'r+b')
for s in range(0, 16 << 11, 64):   # one byte in every 64th sector
	f.seek(s * 512 + 100); b = f.read(1); f.seek(s * 512 + 100); f.write(bytes([b[0] ^ 0xff]))
PY
"$PROG" replay "$tmp/w.txt" "${D[@]}" --table "blocksize 8 assoc 4 writethrough" --quirks fixed --qd 16 --verify --json > "$tmp/j"
[ "$(py 'd["verify"]["corrupt"] > 0 and d["verify"]["corrupt"] == d["verify"]["mismatches"]')" = True ] \
	&& ok "bytes damaged on the target file: $(py 'd["verify"]["corrupt"]') corrupt reads found" || bad "target damage: $(py 'd["verify"]')"

# usage: --inject without --verify, a bad probability
"$PROG" replay "$tmp/w.txt" "${D[@]}" --inject corrupt-cache-read=0.1 > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "needs --verify" "$tmp/err" && ok "--inject needs --verify" || bad "inject alone: $(cat "$tmp/err")"
"$PROG" replay "$tmp/w.txt" "${D[@]}" --verify --inject corrupt-cache-read=2 > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && ok "--inject P > 1 refused" || bad "inject 2: $(cat "$tmp/err")"
exit $fail
