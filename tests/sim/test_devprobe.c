// SPDX-License-Identifier: GPL-2.0
/* test_devprobe.c - signatures found by libblkid, the mountinfo parser, the guard's verdicts. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sim/devprobe.h"
#include "sim/replay_sector.h"
#include "tests/lib/test_main.h"

static char dir[] = "/tmp/test_devprobe.XXXXXX";

static void path(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", dir, name);
}

static void write_file(const char *p, const void *buf, size_t len, size_t total)
{
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(ftruncate(fileno(f), (off_t)total), 0);
	fclose(f);
}

/* a DOS partition table: one Linux partition, disk signature 0x1234abcd */
static void test_mbr_is_a_partition_table(void **state)
{
	unsigned char mbr[512] = {0};
	char p[256], what[512], msg[1024];
	(void)state;

	mbr[440] = 0xcd, mbr[441] = 0xab, mbr[442] = 0x34, mbr[443] = 0x12;
	mbr[446 + 2] = 0x21;  /* CHS of the first sector, sector 1 */
	mbr[446 + 4] = 0x83;  /* Linux */
	mbr[446 + 9] = 0x08;  /* start LBA 2048 */
	mbr[446 + 13] = 0x10; /* 4096 sectors */
	mbr[510] = 0x55, mbr[511] = 0xaa;
	path(p, sizeof(p), "mbr.img");
	write_file(p, mbr, sizeof(mbr), 4 << 20);
	assert_int_equal(devprobe_describe(p, what, sizeof(what)), 1);
	assert_string_equal(what, "a dos partition table (PTUUID 1234abcd)");
	assert_int_equal(devprobe_guard(p, false, msg, sizeof(msg)), -EEXIST);
	assert_non_null(strstr(msg, "refusing to overwrite it without --force"));
	assert_int_equal(devprobe_guard(p, true, msg, sizeof(msg)), 0);
	assert_non_null(strstr(msg, "--force: overwriting"));
}

/* what the replay itself writes is no signature: a reused file is not refused */
static void test_own_data_and_zeros_are_blank(void **state)
{
	unsigned char buf[64 * 512];
	char p[256], what[512], msg[1024];
	(void)state;

	for (int i = 0; i < 64; i++)
		rsec_fill(buf + i * 512, RSEC_PREFILL_TARGET, (uint64_t)i, 0);
	path(p, sizeof(p), "own.img");
	write_file(p, buf, sizeof(buf), 1 << 20);
	assert_int_equal(devprobe_describe(p, what, sizeof(what)), 0);
	assert_int_equal(devprobe_guard(p, false, msg, sizeof(msg)), 0);
	assert_string_equal(msg, "");
	path(p, sizeof(p), "absent.img");
	assert_int_equal(devprobe_guard(p, false, msg, sizeof(msg)), 0);
}

static void test_mountinfo(void **state)
{
	char p[256], where[256];
	(void)state;
	const char *mi =
		"22 1 0:21 / /proc rw,nosuid shared:12 - proc proc rw\n"
		"29 1 7:3 / /mnt/with\\040space rw,relatime shared:1 - ext4 /dev/loop3 rw\n"
		"30 1 259:2 / /boot rw - vfat /dev/nvme0n1p1 rw\n"
		"garbage line\n";

	path(p, sizeof(p), "mountinfo");
	write_file(p, mi, strlen(mi), strlen(mi));
	assert_int_equal(devprobe_mounted_rdev(p, makedev(7, 3), where, sizeof(where)), 1);
	assert_string_equal(where, "/mnt/with\\040space");
	assert_int_equal(devprobe_mounted_rdev(p, makedev(7, 4), where, sizeof(where)), 0);
	assert_int_equal(devprobe_mounted_rdev(p, makedev(259, 2), where, sizeof(where)), 1);
	assert_string_equal(where, "/boot");
	path(p, sizeof(p), "no-such-file");
	assert_int_equal(devprobe_mounted_rdev(p, makedev(7, 3), where, sizeof(where)), -ENOENT);
}

static void test_not_a_device(void **state)
{
	char msg[1024];
	(void)state;

	assert_int_equal(devprobe_guard("/dev/null", true, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "not a file or a block device"));
}

/* Two files of one directory are on one disk; a file and procfs (no disk) are not. */
static void test_same_disk(void **state)
{
	char a[300], b[300];
	dev_t disk;
	(void)state;

	path(a, sizeof(a), "disk_a");
	path(b, sizeof(b), "disk_b");
	write_file(a, "a", 1, 4096);
	write_file(b, "b", 1, 4096);
	assert_int_equal(devprobe_same_disk(a, b), 1);
	assert_int_equal(devprobe_same_disk(a, a), 1);
	assert_int_equal(devprobe_same_disk(a, "/proc/self/stat"), 0);
	assert_int_equal(devprobe_disk(a, &disk), 0);
	path(b, sizeof(b), "no_such_file");
	assert_int_equal(devprobe_same_disk(a, b), -ENOENT);
	assert_int_equal(devprobe_disk(b, &disk), -ENOENT);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

TEST_MAIN(setup, teardown, cmocka_unit_test(test_mbr_is_a_partition_table),
	  cmocka_unit_test(test_own_data_and_zeros_are_blank), cmocka_unit_test(test_mountinfo),
	  cmocka_unit_test(test_not_a_device), cmocka_unit_test(test_same_disk))
