#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# trace_btt.sh - trace stats' btt-style breakdown against btt itself (blktrace 1.2.0's btt, run
# as its users do: `blkparse -i NAME -d dump -O`, then `btt -i dump`) on the bundled captures:
# for each pair, the number of requests, the mean (btt prints seconds to 9 decimals: within
# 1 ns), the minimum and the maximum must agree. Where the definitions differ (docs/traces.md,
# "trace stats: the btt breakdown") only what they share is compared: btt counts D2C once per Q
# (merged bios included) where we count it once per dispatched request, so D2C compares min and
# max; btt leaves split requests (X) out of I2D, D2C and Q2C and times the second part's G2I
# from the first part's G, so on `build` (3 splits) those are not compared (G2I: the count,
# min and max are). Requires blkparse and btt (Debian package blktrace, scripts/install-deps).
set -euo pipefail

: "${PROG:?PROG must be the absolute path of ssdcache-sim}"
top=$(cd "$(dirname "$0")/../.." && pwd)
data=$top/data/traces
for tool in blkparse btt python3; do
	if ! command -v "$tool" >/dev/null; then
		echo "FAIL: $tool not found (apt-get install blktrace python3; scripts/install-deps)" >&2
		exit 1
	fi
done
. tests/e2e/lib/common.sh
e2e_tmpdir

# NAME DIR PREFIX PAIRS...: the capture's per-CPU files in DIR are NAME.blktrace.N
check() {
	local name=$1 dir=$2; shift 2
	(cd "$dir" && blkparse -i "$name" -d "$tmp/$name.dump" -O >/dev/null 2>&1)
	# (btt writes its iops/mbps .dat files into the current directory)
	(cd "$tmp" && btt -i "$name.dump" >"$name.btt.txt" 2>/dev/null)
	"$PROG" trace stats --json "$dir/$name" >"$tmp/$name.json" 2>/dev/null
	if ! python3 - "$tmp/$name.btt.txt" "$tmp/$name.json" "$name" "$@" <<'PY'
import json, sys
btt, ours, name, pairs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
rows = {}
section = None
for line in open(btt):
    if line.startswith('===================='):
        section = line.strip('= \n')
        continue
    f = line.split()
    if section == 'All Devices' and len(f) == 5 and f[0][1:2] == '2':
        rows[f[0]] = (float(f[1]), float(f[2]), float(f[3]), int(f[4]))
lat = json.load(open(ours))['btt']['latency_ns']
bad = 0
for spec in pairs:
    pair, what = spec.split(':')
    mn, avg, mx, n = rows[pair]
    a = lat[pair]['all']
    got = {'n': a['count'], 'mean': a['mean'], 'min': a['min'], 'max': a['max']}
    want = {'n': n, 'mean': avg * 1e9, 'min': round(mn * 1e9), 'max': round(mx * 1e9)}
    tol = {'n': 0, 'mean': 1.0, 'min': 1, 'max': 1}
    for k in what.split('+'):
        ok = abs(got[k] - want[k]) <= tol[k]
        print('%s: %s %s %s: ours %s, btt %s' % ('ok' if ok else 'FAIL', name, pair, k,
                                                got[k], round(want[k], 1)))
        bad += not ok
sys.exit(1 if bad else 0)
PY
	then
		fail=1
	fi
}

all=n+mean+min+max
cp "$data"/oltp_small/oltp_small.blktrace.* "$tmp/"
check oltp_small "$tmp" Q2G:$all G2I:$all Q2M:$all I2D:$all M2D:$all D2C:min+max Q2C:$all
cp "$data"/build/build.blktrace.* "$tmp/"
check build "$tmp" Q2G:$all G2I:n+min+max Q2M:$all M2D:$all D2C:max
# blkparse needs the NVMe capture's records (cpu 1) in a file named for CPU 1
mkdir "$tmp/nvme"
cp "$data/nvme_sample/sample.blktrace.0" "$tmp/nvme/sample.blktrace.1"
: >"$tmp/nvme/sample.blktrace.0"
check sample "$tmp/nvme" Q2G:$all D2C:$all Q2C:$all
exit $fail
