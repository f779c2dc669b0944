// SPDX-License-Identifier: GPL-2.0
/* fuzz_csv.c - libFuzzer harness for the CSV readers: alibaba, tencent and a --csv map, strict
 * and lenient, with and without a time unit. */
#include "tests/fuzz/fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char map[] = "time=1:ms,op=2,sector=3,size=4:sectors,device=5,read=0,write=1";
	struct trc_opts o = {.format = "csv", .csv = map, .window = 16};
	struct trc *t;
	struct trc_rec r;
	char err[512];

	fuzz_read("alibaba", data, size, 0, false, false, 0);
	fuzz_read("alibaba", data, size, 0, true, true, TRC_DEV(0, 0));
	fuzz_read("tencent", data, size, 0, true, true, TRC_DEV(0, 1));
	/* the map, read to the end: the common checks need a format name only */
	if (!trc_open_mem(&t, "fuzz", data, size, &o, err, sizeof(err))) {
		while (trc_next(t, &r) == TRC_OK)
			FUZZ_CHECK(r.nsect || !r.sector);
		trc_close(t);
	} else {
		FUZZ_CHECK(err[0] != '\0');
	}
	return 0;
}
