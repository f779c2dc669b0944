// SPDX-License-Identifier: GPL-2.0
/* dev_registry.c - the table of device models; adding a model = one file + one line here. */
#include <stddef.h>

#include "sim/device.h"

extern const struct dev_ops dev_fixed;

const struct dev_ops *const dev_registry[] = {
	&dev_fixed,
	NULL,
};
