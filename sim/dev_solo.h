/* SPDX-License-Identifier: GPL-2.0 */
/* dev_solo.h - one device model driven alone on its own event queue (no engine in between). */
#ifndef SSDCACHE_DEV_SOLO_H
#define SSDCACHE_DEV_SOLO_H

#include <stdint.h>

#include "sim/des.h"
#include "sim/device.h"

/*
 * The dev_env glue every host of a lone model needs (`models probe`, `models replay`, the
 * model side of `models calibrate`): completions and the model's timer go on the host's DES
 * queue, each completion runs the host's done handler at its time.
 *
 * Contract: the host's struct has a struct dev_solo as its FIRST member; dev_solo_init sets the
 * queue's ctx to it, so every handler on the queue (done, and the host's own events) receives
 * the host itself as ctx. A model that completes before the current time sets err to -EPROTO
 * (a model bug the conformance test also checks), a full queue -ENOMEM; the host stops its loop
 * on err. One pending timer per device: a newer request makes the older events stale.
 */
struct dev_solo {
	struct des q;
	struct dev *d; /* the host creates it with dev_create(spec, &env, &d, ...) */
	struct dev_env env;
	des_fn done; /* done(host, io, now): io completed at now */
	uint64_t timer_gen;
	int err; /* 0, or the first -errno */
};

/* Set up the queue and env for done; 0 or -ENOMEM (the queue). */
int dev_solo_init(struct dev_solo *s, des_fn done);
/* dev_submit io at now; a command the model completes at once is scheduled at its done_ns. */
void dev_solo_submit(struct dev_solo *s, struct dev_io *io, uint64_t now);

#endif
