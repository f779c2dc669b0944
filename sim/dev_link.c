// SPDX-License-Identifier: GPL-2.0
/* dev_link.c - the `link` device model: one FIFO link, latency = base + bytes / bandwidth. */
#include <stddef.h>
#include <stdint.h>

#include "sim/device.h"

/*
 * A block device behind one link: a network block device (nbd, iSCSI or NVMe-oF over one
 * path) or a disk throttled by a bandwidth limit (cgroup io.max, dm-delay plus a rate). Every
 * command's data crosses the link in FIFO order at `bandwidth` bytes per second; `latency` is
 * the round trip, which overlaps other commands' transfers (a request and its answer are in
 * flight while the link carries the next one). A command submitted at t waits until the link
 * is free (start = max(t, free)), holds it for bytes / bandwidth (free = start + that), and
 * completes `latency` later. Flushes and discards carry no data: they take the round trip
 * alone, in their place in the queue. Completion times never decrease, so commands complete
 * in submission order (FIFO across directions).
 */
struct link_priv {
	uint64_t size;
	uint64_t base_ns;      /* the round trip */
	uint64_t bandwidth;    /* bytes per second */
	uint64_t free_ns;      /* when the link has carried every transfer submitted so far */
	uint64_t wait_ns;      /* counter: time commands waited for the link */
};

static const struct opt link_opts[] = {
	{"size", OPT_SIZE, offsetof(struct link_priv, size), "1T", 4096, 1.0e18, NULL,
	 "capacity in bytes"},
	{"latency", OPT_TIME, offsetof(struct link_priv, base_ns), "200us", 0, 1e13, NULL,
	 "the round trip every command pays, overlapping other transfers"},
	/* 1 KiB/s .. 16 GiB/s keeps bytes * 1e9 / bandwidth exact in 64 bits (link_xfer_ns) */
	{"bandwidth", OPT_SIZE, offsetof(struct link_priv, bandwidth), "100M", 1024, 17179869184.0,
	 NULL, "bytes per second the link carries (K/M/G: powers of 1024), one transfer at a time"},
	{NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

static int link_init(struct dev *d, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	d->size_bytes = ((struct link_priv *)d->priv)->size;
	return 0;
}

/* ceil(bytes * 1e9 / bandwidth) without overflow: bytes < 2^42 (nsect is 32 bits), so the
 * quotient times 1e9 is below 2^63 for bandwidth >= 1024, and the remainder (< bandwidth <=
 * 2^34) times 1e9 below 2^64. */
static uint64_t link_xfer_ns(uint64_t bytes, uint64_t bandwidth)
{
	uint64_t q = bytes / bandwidth, r = bytes % bandwidth;

	return q * 1000000000u + (r * 1000000000u + bandwidth - 1) / bandwidth;
}

static enum dev_q_result link_submit(struct dev *d, struct dev_io *io, uint64_t now_ns)
{
	struct link_priv *p = d->priv;
	uint64_t bytes = io->op == DEV_READ || io->op == DEV_WRITE ? (uint64_t)io->nsect * 512 : 0;
	uint64_t start = p->free_ns > now_ns ? p->free_ns : now_ns;

	p->wait_ns += start - now_ns;
	p->free_ns = start + link_xfer_ns(bytes, p->bandwidth);
	io->done_ns = p->free_ns + p->base_ns;
	return DEV_Q_COMPLETED;
}

static const struct dev_counter link_counters[] = {
	{.name = "link_wait_ns", .unit = "ns", .kind = DEV_C_NS,
	 .help = "time commands waited for the link behind earlier transfers (0: never saturated)",
	 .off = offsetof(struct link_priv, wait_ns), .text = "%s ns waiting for the link",
	 .flags = DEV_CF_SUMMARY},
	{.name = NULL},
};

const struct dev_ops dev_link = {
	.name = "link", .abi = DEV_ABI,
	.help = "one FIFO link (network or throttled block device): latency + bytes / bandwidth, "
		"transfers one at a time",
	.ordering = "FIFO: commands complete in submission order, whatever their direction",
	.priv_size = sizeof(struct link_priv), .opts = link_opts, .counters = link_counters,
	.init = link_init, .submit = link_submit,
};
