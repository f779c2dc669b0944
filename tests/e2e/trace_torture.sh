#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# trace_torture.sh - what every command that opens a trace says about the oddities of real
# captures: a C-only capture read for Q, empty and summary-only files, a remap chain
# asked for at its top, a clock jump, barriers, 40 CPU files with one missing. The traces are
# made here; each check is an exit status and an exact message.
set -uo pipefail

: "${PROG:?PROG must be the absolute path of ssdcache-sim}"
. "$(dirname "$0")/lib/common.sh"
e2e_tmpdir
DEVS=(--cache-dev fixed:size=64M,read=100us,write=200us --target-dev fixed:size=1T,read=5ms,write=5ms)

# expect_in STATUS NEEDLE command... (lib/common.sh): the exit status, and NEEDLE (a fixed
# string) in stdout or stderr

# --- a capture with only C events (LevelDB): every command says to use --event C ---
c=$tmp/leveldb.txt
for i in $(seq 1 50); do
	printf '  8,0    1 %8d     0.%09d     0  C   W %d + 8 [0]\n' "$i" $((i * 1000)) $((i * 8))
done >"$c"
msg="$c: no Q events; the trace has C (50) events: use --event C"
expect_in 1 "$msg" "$PROG" trace stats "$c"
grep -q "requests" "$tmp/out" && bad "trace stats printed statistics for a trace without Q events"
expect_in 1 "$msg" "$PROG" trace dump "$c"
expect_in 1 "$msg" "$PROG" trace convert "$c" "$tmp/c.sct"
[ -e "$tmp/c.sct" ] && bad "trace convert left $tmp/c.sct behind"
expect_in 1 "$msg" "$PROG" run "$c" "${DEVS[@]}"
expect_in 0 "" "$PROG" trace dump --count --event C "$c"
[ "$(cat "$tmp/out")" = 50 ] || bad "--event C: $(cat "$tmp/out") requests, expected 50"
expect_in 0 "" "$PROG" run "$c" --event C "${DEVS[@]}"

# --- empty, blank and summary-only files: no requests, whatever the command ---
: >"$tmp/empty.txt"
printf '\n\n' >"$tmp/blank.txt"
printf 'CPU0 (sda):\n Reads Queued:           0,        0KiB\t Writes Queued:           0,        0KiB\nTotal (sda):\nEvents (sda): 0 entries\n' >"$tmp/summary.txt"
for f in empty blank summary; do
	expect_in 1 "$tmp/$f.txt: no requests" "$PROG" trace stats "$tmp/$f.txt"
	expect_in 1 "$tmp/$f.txt: no requests" "$PROG" run "$tmp/$f.txt" "${DEVS[@]}"
done
expect_in 1 "$tmp/empty.txt: no requests" "$PROG" trace dump --format blktrace "$tmp/empty.txt"

# --- LVM on a partition on a disk: --device at the top of the chain names the disk at once ---
lvm=$tmp/lvm.txt
cat >"$lvm" <<'EOF'
  8,2    0        1     0.000001000     9  A   W 4000 + 8 <- (253,0) 2000
  8,0    0        2     0.000001100     9  A   W 6048 + 8 <- (8,2) 4000
  8,0    0        3     0.000001200     9  Q   W 6048 + 8 [mysqld]
EOF
expect_in 1 "use --device 8,0" "$PROG" trace dump --device 253,0 "$lvm"
expect_in 1 "device 253,0 has no Q requests of its own: they were remapped ('A' events) to 8,2 and then to 8,0" \
	"$PROG" run "$lvm" --device 253,0 "${DEVS[@]}"
expect_in 1 "use --device 8,0" "$PROG" trace stats --device 8,2 "$lvm"
expect_in 0 "" "$PROG" trace dump --device 8,0 "$lvm"

# --- a clock jump: an error at the record; --lenient skips and counts ---
j=$tmp/jump.txt
for i in $(seq 1 1500); do
	printf '  8,0 0 %d 0.%09d 7 Q R %d + 8 [a]\n' "$i" $((i * 1000)) $((i * 16))
	printf '  8,0 1 %d 1270000000.%09d 7 Q W %d + 8 [b]\n' "$i" $((i * 1000)) $((i * 16 + 8))
done >"$j"
expect_in 1 "$j:2051: field 4 (time): expected a time no earlier than 1270000000.000001000 s" \
	"$PROG" trace dump --count "$j"
expect_in 0 "records went back in time beyond the reorder window of 1024 records (first at line 2051" \
	"$PROG" trace dump --count --lenient "$j"

# --- barriers from a 2.6.3x kernel: read as preflush + FUA, printed as the kernel did ---
b=$tmp/barrier.txt
printf '  8,0 0 1 0.000001000 9 Q WBS 100 + 8 [jbd2/sda1-8]\n  8,0 0 2 0.000002000 9 Q WB [kjournald]\n' >"$b"
expect_in 0 "1000 8,0 WBS 100 8" "$PROG" trace dump "$b"
expect_in 0 "2000 8,0 WB 0 0" "$PROG" trace dump "$b"

# --- 40 CPU files, the one of CPU 17 missing: the warning names that file ---
# cpu_files PREFIX CPU...: a blktrace capture, PREFIX.blktrace.N for each CPU N given, with
# three queued 4 KiB reads each
cpu_files() {
	python3 - "$@" <<'EOF'
import struct, sys
prefix = sys.argv[1]
for cpu in map(int, sys.argv[2:]):
    with open("%s.blktrace.%d" % (prefix, cpu), "wb") as f:
        for i in range(3):
            action = ((1 << 0) | (1 << 4) | (1 << 8)) << 16 | 1  # READ QUEUE FS, Q
            f.write(struct.pack("<IIQQIIIIIHH", 0x65617407, i + 1, 1000 + 100 * i + cpu,
                                (cpu * 3 + i) * 8, 4096, action, 42, (8 << 20) | 16, cpu, 0, 0))
EOF
}
cpu_files "$tmp/node" $(seq 0 39 | grep -vx 17)
expect_in 0 "$tmp/node.blktrace.17: the file for CPU 17 is missing" "$PROG" trace dump --count "$tmp/node"
[ "$(cat "$tmp/out")" = 117 ] || bad "40 CPUs less one: $(cat "$tmp/out") requests, expected 117"
grep -q "node.blktrace.18: the file for CPU 17" "$tmp/err" && bad "the warning names the next file"

# --- one CPU's file given, CPU 0's empty (an idle CPU): the whole capture is read, with a warning ---
: >"$tmp/idle.blktrace.0"
cpu_files "$tmp/idle" 1 2
want="$tmp/idle.blktrace.0: one CPU's file of the capture $tmp/idle: reading its 3 CPU files"
expect_in 0 "$want" "$PROG" trace dump --count "$tmp/idle.blktrace.0"
[ "$(cat "$tmp/out")" = 6 ] || bad "idle.blktrace.0: $(cat "$tmp/out") requests, expected 6 (all CPUs)"
expect_in 0 "$want" "$PROG" run "$tmp/idle.blktrace.0" "${DEVS[@]}"
expect_in 0 "" "$PROG" trace dump --count "$tmp/idle"
grep -q "one CPU's file" "$tmp/err" && bad "the base name NAME warned as a CPU file"
[ "$(cat "$tmp/out")" = 6 ] || bad "idle: $(cat "$tmp/out") requests, expected 6"
# a lone NAME.blktrace.0 (no siblings) is just that file, without the warning
cp "$tmp/idle.blktrace.1" "$tmp/lone.blktrace.0"
expect_in 0 "" "$PROG" trace dump --count "$tmp/lone.blktrace.0"
grep -q "one CPU's file" "$tmp/err" && bad "a lone CPU file warned"
[ "$(cat "$tmp/out")" = 3 ] || bad "lone.blktrace.0: $(cat "$tmp/out") requests, expected 3"
: >"$tmp/alone.blktrace.0"
expect_in 1 "no requests" "$PROG" trace dump --count "$tmp/alone.blktrace.0"

# --- every --help that takes --format lists every format of the reader's table ---
src=$(cd "$(dirname "$0")/../.." && pwd)/traces
want=$(grep -h -A1 '^const struct trc_format trc_fmt_' "$src"/*.c | sed -n 's/.*\.name = "\([^"]*\)".*/\1/p' | sort | tr '\n' ' ')
[ -n "$want" ] || bad "no format names found in $src"
for cmd in "run" "replay" "sweep" "trace stats" "trace dump" "trace convert" "trace mrc"; do
	# shellcheck disable=SC2086
	got=$("$PROG" $cmd --help 2>&1 | sed -n '/^  --format F  /,/\[by content/p' | sed 's/--format F//; s/\[by content.*//' |
		tr -d ' \n' | tr '|' '\n' | sort | tr '\n' ' ')
	if [ "$got" = "$want" ]; then ok "$cmd --help lists every format"; else
		bad "$cmd --help lists '$got', the table holds '$want'"; fi
done

exit $fail
