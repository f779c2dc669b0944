#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# trace_equality.sh - for every bundled binary capture, run blkparse -i on it and check that our
# binary reader yields the same requests (count, time, device, RWBS, sector, size, order, and
# pid, latency and process name with --long) as our text reader on blkparse's output, for Q, D
# and C. Requires blkparse (Debian package blktrace, installed by scripts/install-deps).
set -euo pipefail

: "${PROG:?PROG must be the absolute path of ssdcache-sim}"
top=$(cd "$(dirname "$0")/../.." && pwd)
data=$top/data/traces
if ! command -v blkparse >/dev/null; then
	echo "FAIL: blkparse not found (apt-get install blktrace; scripts/install-deps)" >&2
	exit 1
fi
. tests/e2e/lib/common.sh
e2e_tmpdir

check() { # NAME BINARY TEXT: our reader on both must agree, event by event
	local name=$1 bin=$2 text=$3 ev n
	for ev in Q D C; do
		"$PROG" trace dump --long --event "$ev" "$bin" >"$tmp/bin.$ev" 2>"$tmp/bin.err"
		"$PROG" trace dump --long --event "$ev" "$text" >"$tmp/txt.$ev" 2>"$tmp/txt.err"
		n=$(wc -l <"$tmp/bin.$ev")
		if ! cmp -s "$tmp/bin.$ev" "$tmp/txt.$ev"; then
			echo "FAIL: $name --event $ev: binary and blkparse text differ:"
			diff "$tmp/bin.$ev" "$tmp/txt.$ev" | head -5 || true
			fail=1
		elif [ "$n" -eq 0 ]; then
			echo "FAIL: $name --event $ev: no requests"
			fail=1
		else
			echo "ok: $name --event $ev: $n requests identical"
		fi
	done
	# The count, independently of our text parser: blkparse's own event lines.
	local q
	q=$(awk '$6 == "Q"' "$text" | wc -l)
	n=$(wc -l <"$tmp/bin.Q")
	if [ "$q" -ne "$n" ]; then
		echo "FAIL: $name: blkparse printed $q Q lines, our binary reader gave $n requests"
		fail=1
	fi
}

for name in oltp_small build; do
	cp "$data/$name/$name.blktrace."* "$tmp/"
	(cd "$tmp" && blkparse -i "$name" >"$name.out.txt" 2>"$name.blkparse.err")
	# blkparse reproduces the bundled text exactly (provenance check).
	if ! cmp -s "$tmp/$name.out.txt" "$data/$name/$name.blkparse.txt"; then
		echo "FAIL: blkparse -i $name differs from the bundled $name.blkparse.txt"
		diff "$tmp/$name.out.txt" "$data/$name/$name.blkparse.txt" | head -5 || true
		fail=1
	fi
	check "$name" "$data/$name/$name.blktrace.0" "$tmp/$name.out.txt"
done

# nvme_sample: its records say cpu 1 but the file is .0, and blkparse 1.2 drops every record of
# a file whose name and cpu field disagree ("cpu 0 trace info has error cpu 1"). Show that, then
# give blkparse the same bytes under the name it expects (sample.blktrace.1, with an empty .0
# since it stops at the first missing CPU file), and compare with our reader on the original.
mkdir "$tmp/nvme"
cp "$data/nvme_sample/sample.blktrace.0" "$tmp/nvme/"
(cd "$tmp/nvme" && blkparse -i sample >as_is.txt 2>as_is.err) || true
if grep -q ' Q ' "$tmp/nvme/as_is.txt" || ! grep -q 'trace info has error cpu 1' "$tmp/nvme/as_is.err"; then
	echo "FAIL: expected blkparse to reject nvme_sample's records as they are named"
	fail=1
else
	echo "ok: blkparse rejects sample.blktrace.0 as named ($(grep -c 'has error cpu' "$tmp/nvme/as_is.err") records)"
fi
mv "$tmp/nvme/sample.blktrace.0" "$tmp/nvme/sample.blktrace.1"
: >"$tmp/nvme/sample.blktrace.0"
(cd "$tmp/nvme" && blkparse -i sample >renamed.txt 2>renamed.err)
# The bundled derived text is that output (the CPU file named in the footer aside).
if ! diff <(grep -v '^Input file' "$tmp/nvme/renamed.txt") \
	<(grep -v '^Input file' "$data/nvme_sample/sample.blkparse.derived.txt") >/dev/null; then
	echo "FAIL: blkparse on the renamed nvme sample differs from sample.blkparse.derived.txt"
	fail=1
fi
"$PROG" trace dump "$data/nvme_sample/sample.blktrace.0" >/dev/null 2>"$tmp/nvme/warn"
if ! grep -q 'records carry cpu 1' "$tmp/nvme/warn"; then
	echo "FAIL: our reader did not say that nvme_sample's cpu field disagrees with its name"
	fail=1
fi
check nvme_sample "$data/nvme_sample/sample.blktrace.0" "$tmp/nvme/renamed.txt"

# The merged binary of blkparse -d reads the same as the per-CPU files.
(cd "$tmp" && blkparse -i oltp_small -d oltp_small.merged.bin -O >/dev/null 2>&1)
for ev in Q D C; do
	"$PROG" trace dump --long --event "$ev" "$tmp/oltp_small.merged.bin" >"$tmp/merged.$ev"
	"$PROG" trace dump --long --event "$ev" "$data/oltp_small/oltp_small.blktrace.0" >"$tmp/percpu.$ev"
	if ! cmp -s "$tmp/merged.$ev" "$tmp/percpu.$ev"; then
		echo "FAIL: blkparse -d merged file differs from the per-CPU files (--event $ev)"
		diff "$tmp/merged.$ev" "$tmp/percpu.$ev" | head -5 || true
		fail=1
	else
		echo "ok: blkparse -d merged file = per-CPU files (--event $ev)"
	fi
done
exit $fail
