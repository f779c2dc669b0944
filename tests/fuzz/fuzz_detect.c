// SPDX-License-Identifier: GPL-2.0
/* fuzz_detect.c - libFuzzer harness for format detection: any bytes, whatever reader they pick. */
#include "tests/fuzz/fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_read(NULL, data, size, 0, false, false, 0);
	fuzz_read(NULL, data, size, 0, true, false, 0);
	return 0;
}
