#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# capture: trace a loop device over a file while dd runs; blkparse reads the
# NAME.blktrace.N files, `run` simulates them, and the request count is what dd issued. Both
# methods where the machine has them: auto (blktrace, else tracefs) and --method tracefs.
# Needs root (losetup, tracing); as root, a failure to capture is a failure of this test.
set -u
cd "$(dirname "$0")/../.."
E2E_OK="ok   " E2E_FAIL="FAIL "
. tests/e2e/lib/common.sh
tmp=$(mktemp -d)
loopdev=""
cleanup() { [ -n "$loopdev" ] && losetup -d "$loopdev"; rm -rf "$tmp"; }
trap cleanup EXIT
export PATH="$PATH:/sbin:/usr/sbin"

"$PROG" capture --device /dev/null -o "$tmp/x" --seconds 1 > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "not a block device" "$tmp/err" && ok "a character device is refused" || bad "/dev/null: $(cat "$tmp/err")"
"$PROG" capture -o "$tmp/x" --seconds 1 > /dev/null 2>&1
[ $? -eq 2 ] && ok "--device is required" || bad "no --device"

if [ "$(id -u)" -ne 0 ]; then
	echo "NOTE: capture NOT TESTED: not root (it needs losetup and the kernel's tracing)"
	exit $fail
fi
truncate -s 64M "$tmp/disk.img"
loopdev=$(losetup -f --show "$tmp/disk.img") || { bad "losetup -f --show (as root) failed"; exit 1; }
tracefs_before=$(grep -c ' /sys/kernel/tracing ' /proc/self/mounts)
debugfs_before=$(grep -c ' /sys/kernel/debug ' /proc/self/mounts)
tracer_before=$(cat /sys/kernel/tracing/current_tracer 2>/dev/null || echo unmounted)

for method in auto tracefs; do
	name="$tmp/cap-$method"
	"$PROG" capture --device "$loopdev" --method $method -o "$name" -- sh -c \
		"dd if=/dev/zero of=$loopdev bs=4k count=100 oflag=direct status=none &&
		 dd if=$loopdev of=/dev/null bs=4k count=50 skip=200 iflag=direct status=none" 2> "$tmp/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		bad "capture --method $method: exit $rc: $(cat "$tmp/err")"
		echo "     the machine offers: $(ls /sys/kernel/tracing 2>/dev/null | head -1 || echo no tracefs mounted),"\
		     "available_tracers: $(cat /sys/kernel/tracing/available_tracers 2>/dev/null || echo '?')"
		continue
	fi
	sed -n 's/^ssdcache-sim capture: /     /p' "$tmp/err"
	blkparse -i "$name" > "$tmp/bp.txt" 2> "$tmp/bperr" || { bad "blkparse -i: $(cat "$tmp/bperr")"; continue; }
	qw=$(awk '$6 == "Q" && $7 ~ /W/' "$tmp/bp.txt" | wc -l)
	qr=$(awk '$6 == "Q" && $7 ~ /R/' "$tmp/bp.txt" | wc -l)
	[ "$qw" -eq 100 ] && [ "$qr" -ge 50 ] && grep -q '\[dd\]' "$tmp/bp.txt" \
		&& ok "$method: blkparse reads it: $qw write and $qr read requests (dd: 100 + 50), process names kept" \
		|| bad "$method: blkparse counts $qw writes, $qr reads"
	"$PROG" run "$name" --json --quiet > "$tmp/j" 2> "$tmp/err" || { bad "run $name: $(cat "$tmp/err")"; continue; }
	got=$(python3 -c "import json; r=json.load(open('$tmp/j'))['requests']; print(r['writes'], r['reads'])")
	[ "$got" = "100 $qr" ] && ok "$method: run simulates it: $got (writes reads) as blkparse counts" \
		|| bad "$method: run counts $got, blkparse 100 $qr"
done
# --seconds without a command: what runs meanwhile is traced; SIGINT ends it early, files kept
( sleep 1.2; dd if=/dev/zero of="$loopdev" bs=4k count=20 seek=1000 oflag=direct status=none ) &
"$PROG" capture --device "$loopdev" --seconds 3 -o "$tmp/timed" --quiet
rc=$?
wait
n=$(blkparse -i "$tmp/timed" 2>/dev/null | awk '$6 == "Q" && $7 ~ /W/' | wc -l)
[ $rc -eq 0 ] && [ "$n" -eq 20 ] && ok "--seconds 3: the 20 writes issued meanwhile" || bad "--seconds: exit $rc, $n writes"
"$PROG" capture --device "$loopdev" --seconds 60 -o "$tmp/int" --quiet &
cpid=$!
sleep 1.5
dd if=/dev/zero of="$loopdev" bs=4k count=7 seek=3000 oflag=direct status=none
sleep 0.3
kill -INT $cpid
wait $cpid
rc=$?
n=$(blkparse -i "$tmp/int" 2>/dev/null | awk '$6 == "Q" && $7 ~ /W/' | wc -l)
[ $rc -eq 130 ] && [ "$n" -eq 7 ] && ok "SIGINT: exit 130, what was traced is written (7 writes)" || bad "SIGINT: exit $rc, $n writes"
[ "$(grep -c ' /sys/kernel/tracing ' /proc/self/mounts)" = "$tracefs_before" ] && \
	[ "$(grep -c ' /sys/kernel/debug ' /proc/self/mounts)" = "$debugfs_before" ] && \
	[ "$(cat /sys/kernel/tracing/current_tracer 2>/dev/null || echo unmounted)" = "$tracer_before" ] \
	&& ok "tracefs, debugfs and the tracer are as they were" || bad "tracing state not restored"
exit $fail
