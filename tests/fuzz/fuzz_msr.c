// SPDX-License-Identifier: GPL-2.0
/* fuzz_msr.c - libFuzzer harness for the msr reader: strict, then lenient on one device. */
#include "tests/fuzz/fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_read("msr", data, size, 0, false, false, 0);
	fuzz_read("msr", data, size, 0, true, true, TRC_DEV(0, 0));
	return 0;
}
