// SPDX-License-Identifier: GPL-2.0
/* dev_registry.c - the table of device models; adding a model = one file + one line here. */
#include <stddef.h>

#include "sim/device.h"

extern const struct dev_ops dev_fixed;
extern const struct dev_ops dev_hdd;
extern const struct dev_ops dev_ssd;
extern const struct dev_ops dev_link;

const struct dev_ops *const dev_registry[] = {
	&dev_fixed,
	&dev_hdd,
	&dev_ssd,
	&dev_link,
	NULL,
};
