# SPDX-License-Identifier: GPL-2.0
# models_probe.sh - end-to-end: `models` listing, `models probe` figures, JSON keys, exit codes.
# Run with PROG=/abs/path/to/ssdcache-sim (the Makefile's e2e target sets it).
set -u
: "${PROG:?set PROG to the ssdcache-sim binary}"
E2E_OK=""
. "$(dirname "$0")/lib/common.sh"

# value of a numeric or string key in a one-object JSON line (no jq/python needed)
jget() { printf '%s\n' "$1" | tr ',{}' '\n\n\n' | sed -n "s/^ *\"$2\": *\"\{0,1\}\([^\"]*\)\"\{0,1\} *$/\1/p" | head -n 1; }
# is $1 within [$2, $3] (decimal)?
within() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v >= lo && v <= hi) }'; }

expect_rc() { # expected-rc description command...
	want=$1; what=$2; shift 2
	"$@" >/tmp/models_e2e.out 2>/tmp/models_e2e.err
	rc=$?
	if [ "$rc" -ne "$want" ]; then bad "$what: exit $rc, expected $want: $(head -c 300 /tmp/models_e2e.err)"; else ok; fi
}

# ---- listing ----
out=$("$PROG" models) || bad "models exited $?"
for w in fixed hdd ssd sata7200 sas15k laptop5400 sata_slc sata_mlc nvme_tlc "source:" "ordering:" "seek_avg=TIME" "t_prog=TIME"; do
	printf '%s' "$out" | grep -q -- "$w" && ok || bad "models listing lacks '$w'"
done
out=$("$PROG" models ssd) || bad "models ssd exited $?"
printf '%s' "$out" | grep -q "^ssd:" && ok || bad "models ssd does not show ssd"
printf '%s' "$out" | grep -q "^hdd:" && bad "models ssd shows hdd too" || ok
expect_rc 0 "models --help" "$PROG" models --help
expect_rc 0 "models probe --help" "$PROG" models probe --help
grep -q -- "--qd" /tmp/models_e2e.out && ok || bad "probe --help does not document --qd"
expect_rc 2 "models with an unknown model" "$PROG" models nosuch

# ---- usage errors exit 2 with a message ----
expect_rc 2 "probe without SPEC" "$PROG" models probe
expect_rc 2 "probe with a bad --rw" "$PROG" models probe hdd --rw sideways
grep -q "randread|randwrite|read|write" /tmp/models_e2e.err && ok || bad "bad --rw message lacks the choices"
expect_rc 2 "probe with a bad --bs" "$PROG" models probe hdd --bs 1000
expect_rc 2 "probe with --qd 0" "$PROG" models probe hdd --qd 0
expect_rc 2 "probe with an unknown model" "$PROG" models probe floppy
expect_rc 2 "probe with a misspelt option" "$PROG" models probe hdd:rmp=7200
grep -q "did you mean 'rpm'" /tmp/models_e2e.err && ok || bad "no 'did you mean' for rmp: $(cat /tmp/models_e2e.err)"
expect_rc 2 "probe with an unknown preset" "$PROG" models probe ssd:preset=floppy
expect_rc 2 "probe with an out-of-range option" "$PROG" models probe hdd:rpm=100
expect_rc 2 "probe with an unknown flag" "$PROG" models probe hdd --fast

# ---- JSON and physics ----
probe() { "$PROG" models probe "$@" --json; }

j=$(probe hdd --rw randread --qd 1 --count 1500) || bad "hdd probe failed"
for k in iops mb_s lat_mean_us lat_p99_us; do
	[ -n "$(jget "$j" $k)" ] && ok || bad "JSON lacks $k: $j"
done
[ "$(jget "$j" preset)" = sata7200 ] && ok || bad "hdd without preset= did not use sata7200: $j"
# seek 8.5 ms + half a turn at 7200 rpm (4.17 ms) + 0.1 ms overhead = 12.77 ms -> ~78 IOPS
within "$(jget "$j" iops)" 72 84 && ok || bad "sata7200 random 4K qd1 IOPS $(jget "$j" iops), expected ~78"
within "$(jget "$j" lat_mean_us)" 12000 13500 && ok || bad "sata7200 latency $(jget "$j" lat_mean_us) us"

j=$(probe hdd:preset=sas15k --rw randread --qd 1 --count 1500)
within "$(jget "$j" iops)" 175 200 && ok || bad "sas15k random 4K qd1 IOPS $(jget "$j" iops), expected ~187"

j1=$(probe hdd --rw randread --qd 32 --count 2000 | tr -d '\n')
j2=$(probe hdd:sched=fifo --rw randread --qd 32 --count 2000 | tr -d '\n')
awk -v a="$(jget "$j1" iops)" -v b="$(jget "$j2" iops)" 'BEGIN { exit !(a > 1.8 * b) }' && ok ||
	bad "sptf ($(jget "$j1" iops)) not well ahead of fifo ($(jget "$j2" iops)) at qd32"

j=$(probe hdd --rw read --bs 1M --qd 4 --count 200 | tr -d '\n')
within "$(jget "$j" mb_s)" 125 150 && ok || bad "sequential 1M reads $(jget "$j" mb_s) MB/s, expected near the 150 MB/s media rate"

j=$(probe ssd --rw randread --qd 1 --count 3000 | tr -d '\n')
[ "$(jget "$j" preset)" = sata_slc ] && ok || bad "ssd without preset= did not use sata_slc"
within "$(jget "$j" lat_mean_us)" 60 130 && ok || bad "sata_slc 4K read latency $(jget "$j" lat_mean_us) us"

j=$(probe ssd:preset=sata_mlc,size=4G --precondition --rw randwrite --qd 32 --count 200000 | tr -d '\n')
within "$(jget "$j" write_amplification)" 2 12 && ok || bad "sata_mlc steady random writes WA $(jget "$j" write_amplification)"
[ "$(jget "$j" gc_runs)" -gt 0 ] && ok || bad "no GC under sustained random writes"

j=$(probe ssd:preset=nvme_tlc --rw read --bs 128K --qd 16 --count 5000 | tr -d '\n')
within "$(jget "$j" mb_s)" 3000 3700 && ok || bad "nvme_tlc sequential reads $(jget "$j" mb_s) MB/s, expected ~3500 (host link)"

# ---- determinism: the seed decides ----
a=$(probe hdd --count 300 --seed 7); b=$(probe hdd --count 300 --seed 7); c=$(probe hdd --count 300 --seed 8)
[ "$a" = "$b" ] && ok || bad "same seed, different output"
[ "$a" != "$c" ] && ok || bad "different seeds, same output"

# human output names the figures
out=$("$PROG" models probe hdd:preset=laptop5400 --count 200)
for w in iops bandwidth latency p99 utilisation seeks; do
	printf '%s' "$out" | grep -q "$w" && ok || bad "human output lacks '$w'"
done

echo "$pass passed, $fails failed"
[ "$fails" -eq 0 ]
