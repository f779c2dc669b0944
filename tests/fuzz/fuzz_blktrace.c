// SPDX-License-Identifier: GPL-2.0
/* fuzz_blktrace.c - libFuzzer harness for the blktrace reader: Q strict, D lenient, C on one device. */
#include "tests/fuzz/fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_read("blktrace", data, size, 'Q', false, false, 0);
	fuzz_read("blktrace", data, size, 'D', true, false, 0);
	fuzz_read("blktrace", data, size, 'C', false, true, TRC_DEV(7, 0));
	return 0;
}
