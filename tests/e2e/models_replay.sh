# SPDX-License-Identifier: GPL-2.0
# models_replay.sh - end-to-end: `models replay` protocols, the demerit of a hand-computed
# example, the JSON keys, the latency log, located errors and exit codes.
# Run with PROG=/abs/path/to/ssdcache-sim (the Makefile's e2e target sets it).
set -u
: "${PROG:?set PROG to the ssdcache-sim binary}"
E2E_OK=""
. "$(dirname "$0")/lib/common.sh"
e2e_tmpdir

# first value of a key in pretty-printed JSON, after the line matching $3 (default: the top)
jget() { awk -v k="\"$2\":" -v after="${3:-}" 'after != "" && index($0, after) { on = 1 }
	(after == "" || on) { n = split($0, f, /[,{}]/); for (i = 1; i <= n; i++) if (index(f[i], k)) {
		v = substr(f[i], index(f[i], k) + length(k)); gsub(/[ "]/, "", v); print v; exit } }' "$1"; }
near() { awk -v v="$1" -v w="$2" 'BEGIN { d = v - w; if (d < 0) d = -d; exit !(d < 1e-3) }'; }
check() { # file key expected what [after]
	v=$(jget "$1" "$2" "${5:-}")
	near "$v" "$3" && ok || bad "$4: $2 = '$v', expected $3"
}

# A validate trace: R 1 ms, R 3 ms, W 2 ms, W 4 ms measured; think 0.5 ms after each.
cat >"$tmp/v.trace" <<'T'
R Miss 100 8 1000.000 500.000
R Hit  200 8 3000.000 500.000
W Miss 300 8 2000.000 500.000
W Miss 400 8 4000.000 0
T
spec=fixed:read=1ms,write=3ms
"$PROG" models replay "$spec" "$tmp/v.trace" --json --latency-log "$tmp/lat" >"$tmp/j" 2>"$tmp/e" ||
	bad "replay exited $?: $(cat "$tmp/e")"
grep -q '"format": "disksim-validate", "protocol": "think"' "$tmp/j" && ok || bad "protocol not think: $(head -c 300 "$tmp/j")"
# Hand-computed: measured sorted 1 2 3 4, predicted 1 1 3 3 ms: the quantile distances are
# 0 1 0 1 ms over four equal slices, RMS sqrt(1/2) = 0.70711 ms, 28.284 % of the 2.5 ms mean.
check "$tmp/j" demerit_ms 0.707107 "overall demerit"
check "$tmp/j" demerit_pct 28.2843 "overall demerit %"
check "$tmp/j" mean_ms 2.5 "measured mean" '"measured"'
check "$tmp/j" mean_ms 2.0 "predicted mean" '"predicted"'
# reads: measured 1 3, predicted 1 1: sqrt((0 + 4) / 2) = 1.41421 ms, 70.711 % of 2 ms
check "$tmp/j" demerit_ms 1.414214 "read demerit" '"read"'
check "$tmp/j" demerit_pct 70.7107 "read demerit %" '"read"'
# writes: measured 2 4, predicted 3 3: 1 ms, 33.333 % of 3 ms
check "$tmp/j" demerit_ms 1.0 "write demerit" '"write"'
check "$tmp/j" demerit_pct 33.3333 "write demerit %" '"write"'
# think protocol: 1 + .5 + 1 + .5 + 3 + .5 + 3 = 9.5 ms of simulated time
check "$tmp/j" sim_ms 9.5 "think-time timeline"
printf '1 R 100 8 1000.000 1000.000\n2 R 200 8 3000.000 1000.000\n3 W 300 8 2000.000 3000.000\n4 W 400 8 4000.000 3000.000\n' >"$tmp/want"
cmp -s "$tmp/lat" "$tmp/want" && ok || bad "latency log: $(cat "$tmp/lat")"

# --qd 2: R R at 0 (done at 1 ms), W W at 1 ms (done at 4 ms)
"$PROG" models replay "$spec" "$tmp/v.trace" --json --qd 2 >"$tmp/j2" || bad "replay --qd 2 exited $?"
check "$tmp/j2" sim_ms 4.0 "--qd 2 timeline"
grep -q '"protocol": "qd", "qd": 2' "$tmp/j2" && ok || bad "--qd 2 protocol"
"$PROG" models replay "$spec" "$tmp/v.trace" --json --qd 1 >"$tmp/j1" || bad "replay --qd 1 exited $?"
check "$tmp/j1" sim_ms 8.0 "--qd 1 timeline (no think time)"

# open loop at trace times (MSR, 100 ns units): arrivals at 0 and 1 ms, reads of 1 ms -> 2 ms;
# the measured ResponseTime (2 ms, 4 ms) is compared.
printf '1000000,h,0,Read,0,4096,20000\n1010000,h,0,Read,8192,4096,40000\n' >"$tmp/m.csv"
"$PROG" models replay "$spec" "$tmp/m.csv" --json --latency-log "$tmp/lat2" >"$tmp/j3" || bad "msr replay exited $?"
grep -q '"format": "msr", "protocol": "open"' "$tmp/j3" && ok || bad "msr protocol: $(head -c 200 "$tmp/j3")"
check "$tmp/j3" sim_ms 2.0 "open-loop timeline"
check "$tmp/j3" mean_ms 3.0 "msr measured mean" '"measured"'
check "$tmp/j3" demerit_ms 2.236068 "msr demerit (sqrt((1+9)/2))"

# a blkparse capture: the device's view (--event D by default) with its D..C latencies measured
top=$(cd "$(dirname "$0")/../.." && pwd)
"$PROG" models replay "$spec" "$top/data/traces/build/build.blkparse.txt" --json >"$tmp/j5" || bad "blkparse replay exited $?"
grep -q '"format": "blkparse", "protocol": "open"' "$tmp/j5" && ok || bad "blkparse protocol: $(head -c 200 "$tmp/j5")"
m=$(grep -o '"measured_requests": [0-9]*' "$tmp/j5" | head -n 1 | sed 's/.*: //')
[ "${m:-0}" -gt 400 ] && ok || bad "blkparse: $m D..C pairs measured, expected > 400"
"$PROG" models replay "$spec" "$top/data/traces/build/build.blkparse.txt" --event Q --json >"$tmp/j6" || bad "--event Q exited $?"
grep -q '"measured": null' "$tmp/j6" && ok || bad "--event Q: Q events carry no device latency"

# a trace without measured latencies: predicted only, demerit null
printf 'fio version 3 iolog\n0 /dev/x add\n0 /dev/x open\n0 /dev/x read 0 4096\n0 /dev/x close\n' >"$tmp/io.log"
"$PROG" models replay "$spec" "$tmp/io.log" --json --latency-log "$tmp/lat3" >"$tmp/j4" || bad "iolog replay exited $?"
grep -q '"measured": null' "$tmp/j4" && ok || bad "iolog: measured not null"
grep -q '"demerit_ms": null' "$tmp/j4" && ok || bad "iolog: demerit not null"
grep -qx '1 R 0 8 - 1000.000' "$tmp/lat3" && ok || bad "iolog latency log: $(cat "$tmp/lat3")"

# text output names the figures
"$PROG" models replay "$spec" "$tmp/v.trace" >"$tmp/t" || bad "text replay exited $?"
grep -q "demerit    0.707 ms (28.28 % of the measured mean)" "$tmp/t" && ok || bad "text: $(cat "$tmp/t")"

# errors: a bad line is located (exit 1); a bad spec or option is usage (exit 2)
printf 'R Miss 1 8 1000 0\nR Mess 2 8 1000 0\n' >"$tmp/bad.trace"
"$PROG" models replay "$spec" "$tmp/bad.trace" >/dev/null 2>"$tmp/e"
[ $? -eq 1 ] && ok || bad "bad trace: exit not 1"
grep -q "bad.trace:2: field 2 (buffer): bad value 'Mess'" "$tmp/e" && ok || bad "bad trace message: $(cat "$tmp/e")"
"$PROG" models replay nosuch "$tmp/v.trace" >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "bad spec: exit not 2"
"$PROG" models replay "$spec" >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "missing TRACE: exit not 2"
"$PROG" models replay "$spec" "$tmp/v.trace" --qd 0 >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "--qd 0: exit not 2"
"$PROG" models replay fixed:size=4K "$tmp/v.trace" >/dev/null 2>"$tmp/e"
[ $? -eq 1 ] && ok || bad "request beyond the device: exit not 1"
grep -q "beyond the device" "$tmp/e" && ok || bad "beyond message: $(cat "$tmp/e")"
"$PROG" models replay --help >"$tmp/h" && grep -q -- "--latency-log" "$tmp/h" && ok || bad "--help"

echo "models_replay: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
