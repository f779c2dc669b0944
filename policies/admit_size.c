// SPDX-License-Identifier: GPL-2.0
/* admit_size.c - size:SIZE: a piece of a user request larger than SIZE bytes does not allocate. */
#include <errno.h>
#include <stdio.h>

#include "policies/admit.h"
#include "policies/pol_common.h"

static int size_parse(const char *arg, uint64_t *value, char *err, size_t errlen)
{
	if (!arg || pol_parse_size(arg, value) || !*value) {
		snprintf(err, errlen, "bad SIZE '%s' (expected size:SIZE, bytes above 0 or K/M/G/T)",
			 arg ? arg : "");
		return -EINVAL;
	}
	return 0;
}

static bool size_admit(void *priv, const struct pol_access *a)
{
	uint64_t sectors = a->req_sectors ? a->req_sectors : a->nsect;

	return sectors * 512 <= *(uint64_t *)priv;
}

const struct pol_admit_ops pol_admit_size = {
	POL_ADMIT_HEAD("size", "size:SIZE", "requests larger than SIZE bytes do not allocate", uint64_t),
	.parse = size_parse, .init = pol_admit_keep_value, .admit = size_admit,
};
