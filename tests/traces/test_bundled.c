// SPDX-License-Identifier: GPL-2.0
/* test_bundled.c - the bundled captures: the binary reader and the text reader give the same
 * requests (every field, Q, D and C), and an .sct conversion gives them back unchanged. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <unistd.h>

#include "tests/lib/cm_main.h"
#include "tests/traces/trc_test.h"

struct capture {
	const char *bin, *text;
	uint32_t dev;
	size_t q, d, c; /* requests per event, counted from the text with awk by hand */
};

/* awk '$6=="Q"' oltp_small.blkparse.txt | wc -l etc. */
static const struct capture caps[] = {
	{"data/traces/oltp_small/oltp_small.blktrace.0", "data/traces/oltp_small/oltp_small.blkparse.txt",
	 TRC_DEV(7, 0), 2481, 2019, 2222},
	{"data/traces/build/build.blktrace.0", "data/traces/build/build.blkparse.txt", TRC_DEV(7, 0),
	 1250, 482, 485},
	{"data/traces/nvme_sample/sample.blktrace.0", "data/traces/nvme_sample/sample.blkparse.derived.txt",
	 TRC_DEV(259, 0), 963, 963, 963},
};

static void open_or_fail(struct trc **t, const char *path, const struct trc_opts *o)
{
	char err[512];
	if (trc_open(t, path, o, err, sizeof(err)))
		fail_msg("%s: %s", path, err);
}

static void test_binary_equals_text(void **state)
{
	(void)state;
	const char events[] = {'Q', 'D', 'C'};
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		for (size_t e = 0; e < 3; e++) {
			struct trc_opts o = {.event = events[e]};
			struct trc *a, *b;
			struct trc_rec ra, rb;
			enum trc_status sa, sb;
			size_t n = 0;
			open_or_fail(&a, caps[i].bin, &o);
			open_or_fail(&b, caps[i].text, &o);
			for (;;) {
				sa = trc_next(a, &ra);
				sb = trc_next(b, &rb);
				if (sa != TRC_OK || sb != TRC_OK)
					break;
				if (memcmp(&ra, &rb, offsetof(struct trc_rec, rwbs)) ||
				    strcmp(ra.rwbs, rb.rwbs) || strcmp(ra.comm, rb.comm))
					fail_msg("%s --event %c: record %zu differs: %llu %s %llu+%u [%s] vs "
						 "%llu %s %llu+%u [%s]", caps[i].bin, events[e], n,
						 (unsigned long long)ra.time_ns, ra.rwbs,
						 (unsigned long long)ra.sector, ra.nsect, ra.comm,
						 (unsigned long long)rb.time_ns, rb.rwbs,
						 (unsigned long long)rb.sector, rb.nsect, rb.comm);
				assert_int_equal(ra.dev, caps[i].dev);
				n++;
			}
			assert_int_equal(sa, TRC_EOF);
			assert_int_equal(sb, TRC_EOF);
			size_t want = e == 0 ? caps[i].q : e == 1 ? caps[i].d : caps[i].c;
			assert_int_equal(n, want);
			if (events[e] == 'D')
				assert_int_equal(trc_counts(a)->unpaired, 0); /* every D has its C */
			if (i == 2) {
				assert_non_null(strstr(trc_warnings(a), "records carry cpu 1"));
				assert_int_equal(trc_counts(a)->remaps, events[e] == 'Q' ? 963 : 963);
			}
			trc_close(a);
			trc_close(b);
		}
	}
}

static void test_sct_round_trip(void **state)
{
	(void)state;
	char path[] = "/tmp/trc-bundled-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);

	struct trc_opts o = {.event = 'D', .fingerprint = true};
	struct trc *a, *b;
	struct trc_rec ra, rb;
	struct trc_sct_writer *w;
	char err[256];
	open_or_fail(&a, caps[0].bin, &o);
	struct trc_sct_source src = {.format = "blktrace", .name = "oltp_small", .event = 'D',
				     .device = caps[0].dev};
	assert_int_equal(trc_sct_create(&w, path, &src, err, sizeof(err)), 0);
	while (trc_next(a, &ra) == TRC_OK)
		assert_int_equal(trc_sct_write(w, &ra), 0);
	src.fingerprint = trc_fingerprint(a);
	src.size = trc_size_bytes(a);
	assert_true(src.fingerprint != 0);
	assert_int_equal(src.size, 410312 + 190640);
	trc_sct_set_source(w, &src);
	assert_int_equal(trc_sct_finish(w, err, sizeof(err)), 0);
	trc_close(a);

	open_or_fail(&a, caps[0].bin, &o);
	o.fingerprint = false;
	open_or_fail(&b, path, &o);
	uint64_t count;
	assert_int_equal(trc_sct_info(b, &count)->fingerprint, src.fingerprint);
	assert_int_equal(count, caps[0].d);
	size_t n = 0;
	while (trc_next(a, &ra) == TRC_OK) {
		assert_int_equal(trc_next(b, &rb), TRC_OK);
		assert_memory_equal(&ra, &rb, offsetof(struct trc_rec, rwbs));
		assert_string_equal(ra.rwbs, rb.rwbs);
		assert_string_equal(ra.comm, rb.comm);
		n++;
	}
	assert_int_equal(trc_next(b, &rb), TRC_EOF);
	assert_int_equal(n, caps[0].d);
	trc_close(a);
	trc_close(b);
	unlink(path);
}

CM_MAIN(UT(test_binary_equals_text), UT(test_sct_round_trip));
