#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# replay must not destroy what it finds: libblkid signatures refused without
# --force (exit 2, naming them) and left intact; --force says what it overwrites; a device in
# use (mounted loop device, or the file behind it) is refused even with --force.
set -u
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
loopdev=""
cleanup() {
	mountpoint -q "$tmp/mnt" 2>/dev/null && umount "$tmp/mnt"
	[ -n "$loopdev" ] && losetup -d "$loopdev"
	rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }
T=data/traces/oltp_small/oltp_small.blkparse.txt
export PATH="$PATH:/sbin:/usr/sbin"

truncate -s 64M "$tmp/fs.img" && mkfs.ext4 -q -F "$tmp/fs.img" || { echo "FAIL mkfs.ext4 (e2fsprogs)"; exit 1; }
uuid=$(blkid -o value -s UUID "$tmp/fs.img")
sum0=$(md5sum < "$tmp/fs.img")

# as the target and as the cache: refused, exit 2, the filesystem named with its UUID
for role in target cache; do
	if [ $role = target ]; then args=(--cache "$tmp/c.img" --cache-create 1M --target "$tmp/fs.img")
	else args=(--cache "$tmp/fs.img" --target "$tmp/t.img" --target-create 1M); fi
	"$PROG" replay "$T" "${args[@]}" --qd 32 --no-prefill > "$tmp/out" 2> "$tmp/err"
	rc=$?
	msg="$tmp/fs.img: holds an ext4 filesystem (UUID $uuid); refusing to overwrite it without --force"
	[ $rc -eq 2 ] && grep -qF "$msg" "$tmp/err" && [ ! -e "$tmp/c.img" ] && [ ! -e "$tmp/t.img" ] \
		&& ok "ext4 image as the $role refused (exit 2, named), nothing created" \
		|| bad "ext4 as $role: exit $rc: $(cat "$tmp/err")"
done
[ "$(md5sum < "$tmp/fs.img")" = "$sum0" ] && ok "the image is byte for byte intact" || bad "the image changed"
[ "$(blkid -o value -s TYPE "$tmp/fs.img")" = ext4 ] && e2fsck -fn "$tmp/fs.img" > "$tmp/fsck" 2>&1 \
	&& ok "blkid still finds ext4, e2fsck -fn is clean" || { bad "image damaged"; cat "$tmp/fsck"; }

# other signatures: a dos partition table (written by hand: no sfdisk needed) and a swap area
python3 - "$tmp/pt.img" <<'PY'
import struct, sys
b = bytearray(4 << 20)
b[440:444] = struct.pack('<I', 0x1234abcd)
b[446:462] = struct.pack('<B3sB3sII', 0, b'\0\x21\0', 0x83, b'\0\0\0', 2048, 4096)
b[510:512] = b'\x55\xaa'
open(sys.argv[1], 'wb').write(b)
PY
"$PROG" replay "$T" --cache "$tmp/pt.img" --target "$tmp/t.img" --target-create 1M --no-prefill > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "holds a dos partition table (PTUUID 1234abcd)" "$tmp/err" && ok "partition table refused" \
	|| bad "partition table: $(cat "$tmp/err")"
truncate -s 4M "$tmp/sw.img" && mkswap -q "$tmp/sw.img" > /dev/null
"$PROG" replay "$T" --cache "$tmp/sw.img" --target "$tmp/t.img" --target-create 1M --no-prefill > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "holds a swap signature" "$tmp/err" && ok "swap signature refused" || bad "swap: $(cat "$tmp/err")"

# the same file twice
truncate -s 1M "$tmp/t.img"
"$PROG" replay "$T" --cache "$tmp/t.img" --target "$tmp/t.img" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "are the same device" "$tmp/err" && ok "cache = target refused" || bad "same file: $(cat "$tmp/err")"

# --force: allowed, and it says what it overwrites
"$PROG" replay "$T" --cache "$tmp/c.img" --cache-create 1M --target "$tmp/fs.img" --force --max-requests 20 \
	--qd 4 --table "blocksize 8" > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -eq 0 ] && grep -qF -- "--force: overwriting $tmp/fs.img: it holds an ext4 filesystem (UUID $uuid)" "$tmp/err" \
	&& ok "--force overwrites and says what" || bad "--force: exit $rc: $(cat "$tmp/err")"

# in use: a mounted loop device, and the file behind it, are refused even with --force. This
# needs root (losetup, mount); as root it must work, elsewhere it is said loudly.
if [ "$(id -u)" -ne 0 ]; then
	echo "NOTE: not root: the mounted-device refusal (loop device) was NOT tested here"
	exit $fail
fi
truncate -s 64M "$tmp/m.img" && mkfs.ext4 -q -F "$tmp/m.img"
loopdev=$(losetup -f --show "$tmp/m.img") || { bad "losetup (as root) failed"; exit 1; }
mkdir "$tmp/mnt" && mount "$loopdev" "$tmp/mnt" || { bad "mount $loopdev failed"; exit 1; }
"$PROG" replay "$T" --cache "$tmp/c.img" --target "$loopdev" --force > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -qF "$loopdev is mounted on $tmp/mnt; refusing to write to it, even with --force" "$tmp/err" \
	&& ok "mounted block device refused even with --force" || bad "mounted: $(cat "$tmp/err")"
"$PROG" replay "$T" --cache "$tmp/c.img" --target "$tmp/m.img" --force > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -qF "backs $loopdev, which is mounted on $tmp/mnt" "$tmp/err" \
	&& ok "the backing file of a mounted loop device refused even with --force" || bad "backing: $(cat "$tmp/err")"
umount "$tmp/mnt"
# unmounted, the loop device is a block device with a filesystem: refused without --force
"$PROG" replay "$T" --cache "$tmp/c.img" --target "$loopdev" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "holds an ext4 filesystem" "$tmp/err" && ok "unmounted loop device with ext4 refused" \
	|| bad "loop unmounted: $(cat "$tmp/err")"
exit $fail
