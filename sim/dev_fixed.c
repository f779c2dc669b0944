// SPDX-License-Identifier: GPL-2.0
/* dev_fixed.c - the `fixed` device model: constant latency per direction, unlimited parallelism. */
#include <stddef.h>
#include <stdint.h>

#include "sim/device.h"

/*
 * The model the golden cases were produced with (../golden README): every I/O completes a
 * constant time after its submission, whatever else is in flight. Ordering contract: FIFO per
 * direction (two reads, or two writes, complete in submission order); a read whose latency is
 * shorter than an earlier write's can complete first and return the older data.
 */
struct fixed_priv {
	uint64_t size;
	uint64_t lat_ns[4]; /* by enum dev_op */
};

static const struct opt fixed_opts[] = {
	{"size", OPT_SIZE, offsetof(struct fixed_priv, size), "1T", 4096, 1.0e18, NULL,
	 "capacity in bytes"},
	{"read", OPT_TIME, offsetof(struct fixed_priv, lat_ns[DEV_READ]), "100us", 0, 1e13, NULL,
	 "latency of every read"},
	{"write", OPT_TIME, offsetof(struct fixed_priv, lat_ns[DEV_WRITE]), "100us", 0, 1e13, NULL,
	 "latency of every write"},
	{"flush", OPT_TIME, offsetof(struct fixed_priv, lat_ns[DEV_FLUSH]), "0", 0, 1e13, NULL,
	 "latency of a flush (only sent with Q18 fixed)"},
	{"discard", OPT_TIME, offsetof(struct fixed_priv, lat_ns[DEV_DISCARD]), "0", 0, 1e13, NULL,
	 "latency of a discard (only sent with Q19 fixed)"},
	{NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

static int fixed_init(struct dev *d, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	d->size_bytes = ((struct fixed_priv *)d->priv)->size;
	return 0;
}

static enum dev_q_result fixed_submit(struct dev *d, struct dev_io *io, uint64_t now_ns)
{
	const struct fixed_priv *p = d->priv;

	io->done_ns = now_ns + p->lat_ns[io->op];
	return DEV_Q_COMPLETED;
}

const struct dev_ops dev_fixed = {
	.name = "fixed",
	.abi = DEV_ABI,
	.help = "constant latency per direction, unlimited parallelism (the golden cases' model)",
	.ordering = "FIFO per direction; a short read can overtake a long write",
	.priv_size = sizeof(struct fixed_priv),
	.opts = fixed_opts,
	.init = fixed_init,
	.submit = fixed_submit,
};
