// SPDX-License-Identifier: GPL-2.0
/* fuzz_fiu.c - libFuzzer harness for the fiu reader: strict, then lenient on one device. */
#include "tests/fuzz/fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_read("fiu", data, size, 0, false, false, 0);
	fuzz_read("fiu", data, size, 0, true, true, TRC_DEV(0, 0));
	return 0;
}
