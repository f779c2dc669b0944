/* SPDX-License-Identifier: GPL-2.0 */
/* dev_direct.h - a device for cmocka tests of models that complete every command at submission. */
#ifndef SSDCACHE_TEST_DEV_DIRECT_H
#define SSDCACHE_TEST_DEV_DIRECT_H

#include "sim/device.h"

/*
 * A model whose submit always returns DEV_Q_COMPLETED (fixed, link) needs no event queue: a test
 * calls submit and reads done_ns. The host's env then only catches a model that queues after
 * all (a failure), and dev_direct() creates the device from a spec or fails the test with
 * dev_create's message. Include after cmocka.h.
 */
static void dev_direct_no_complete(void *host, struct dev_io *io, uint64_t done_ns)
{
	(void)host, (void)io, (void)done_ns;
	fail_msg("the model queued a command it should complete at submission");
}

static const struct dev_env dev_direct_env = {NULL, dev_direct_no_complete, NULL, NULL};

static inline struct dev *dev_direct(const char *spec)
{
	struct dev *d = NULL;
	char err[256];

	if (dev_create(spec, &dev_direct_env, &d, err, sizeof(err)))
		fail_msg("%s: %s", spec, err);
	return d;
}

#endif
