// SPDX-License-Identifier: GPL-2.0
/* admit_size.c - size:SIZE: a piece of a user request larger than SIZE bytes does not allocate. */
#include <errno.h>
#include <stdio.h>

#include "policies/admit.h"
#include "policies/policy.h"

static int size_parse(const char *arg, uint64_t *value, char *err, size_t errlen)
{
	if (!arg || pol_parse_size(arg, value) || !*value) {
		snprintf(err, errlen, "bad SIZE '%s' (expected size:SIZE, bytes above 0 or K/M/G/T)",
			 arg ? arg : "");
		return -EINVAL;
	}
	return 0;
}

static int size_init(void *priv, uint64_t value, const struct pol_init_args *a, char *err, size_t errlen)
{
	(void)a;
	(void)err;
	(void)errlen;
	*(uint64_t *)priv = value;
	return 0;
}

static bool size_admit(void *priv, const struct pol_access *a)
{
	uint64_t sectors = a->req_sectors ? a->req_sectors : a->nsect;

	return sectors * 512 <= *(uint64_t *)priv;
}

const struct pol_admit_ops pol_admit_size = {
	.name = "size",
	.abi = POL_ABI,
	.syntax = "size:SIZE",
	.help = "requests larger than SIZE bytes do not allocate",
	.priv_size = sizeof(uint64_t),
	.parse = size_parse,
	.init = size_init,
	.admit = size_admit,
};
