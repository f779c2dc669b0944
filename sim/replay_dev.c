// SPDX-License-Identifier: GPL-2.0
/* replay_dev.c - the replay's devices: refuse what must not be overwritten, create, prefill. */
#include "sim/replay_dev.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sim/devprobe.h"
#include "sim/replay_sector.h"
#include "sim/base/units.h"

#define CHUNK (1u << 20)

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void say(const struct rdev_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const struct rdev_opts *o, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!o->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o->warn(o->warn_arg, msg);
}

int rdev_prefill(int fd, uint64_t from, uint64_t to, bool progress, const char *what)
{
	uint32_t run = strcmp(what, "cache") ? RSEC_PREFILL_TARGET : RSEC_PREFILL_CACHE;
	double t0 = mono_s(), last = t0;
	void *buf;
	int r = 0;

	if (posix_memalign(&buf, 4096, CHUNK))
		return -ENOMEM;
	for (uint64_t off = from; off < to;) {
		size_t n = to - off < CHUNK ? (size_t)(to - off) : CHUNK;
		for (size_t s = 0; s < n / RSEC_BYTES; s++)
			rsec_fill((char *)buf + s * RSEC_BYTES, run, off / RSEC_BYTES + s, 0);
		ssize_t w = pwrite(fd, buf, n, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			r = w < 0 ? -errno : -EIO;
			break;
		}
		off += (uint64_t)w;
		if (progress && mono_s() - last > 0.5) {
			last = mono_s();
			double frac = (double)(off - from) / (double)(to - from);
			fprintf(stderr, "\rprefilling the %s: %5.1f %%  %.0f MB/s  ETA %.0f s   ", what,
				100 * frac, (double)(off - from) / 1e6 / (last - t0),
				(last - t0) * (1 - frac) / frac);
			fflush(stderr);
		}
	}
	if (progress && last > t0)
		fprintf(stderr, "\r%*s\r", 72, "");
	if (!r && fdatasync(fd))
		r = -errno;
	free(buf);
	return r;
}

/* Fill [from, to) through a descriptor of its own with O_DIRECT (no page cache left behind);
 * buffered where the filesystem has no O_DIRECT (tmpfs). */
static int prefill_path(const struct rdev_opts *o, uint64_t from, uint64_t to)
{
	int fd = open(o->path, O_WRONLY | O_DIRECT | O_CLOEXEC);
	int r;

	if (fd < 0 && errno == EINVAL)
		fd = open(o->path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* O_DIRECT needs aligned offsets and lengths: the file is extended to a 4 KiB multiple */
	r = rdev_prefill(fd, from & ~4095ull, to, o->progress, o->role);
	close(fd);
	return r;
}

static double holes_fraction(int fd)
{
	struct stat st;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0)
		return 0;
	double alloc = (double)st.st_blocks * 512;
	return alloc >= (double)st.st_size ? 0 : 1 - alloc / (double)st.st_size;
}

int rdev_open(struct rdev *d, const struct rdev_opts *o, char *err, size_t errlen)
{
	uint64_t old_size = 0, want = o->create_size;
	struct stat st;
	char msg[2048];
	int r;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	if ((r = devprobe_guard(o->path, o->force, msg, sizeof(msg)))) {
		snprintf(err, errlen, "%s", msg);
		return r;
	}
	if (msg[0])
		say(o, "warning: %s", msg);
	if (stat(o->path, &st) == 0 && S_ISREG(st.st_mode))
		old_size = (uint64_t)st.st_size;
	if (want)
		want = (want + 4095) & ~4095ull;
	d->fd = open(o->path, O_RDWR | O_CLOEXEC | (o->direct ? O_DIRECT : 0) | (want ? O_CREAT : 0), 0644);
	if (d->fd < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: %s%s", o->path, strerror(e),
			 e == EINVAL && o->direct ? " (O_DIRECT is not supported there; drop --direct)" : "");
		return -e;
	}
	if (fstat(d->fd, &st)) {
		snprintf(err, errlen, "%s: %s", o->path, strerror(errno));
		return -errno;
	}
	if (S_ISBLK(st.st_mode)) {
		d->is_block = true;
		if (ioctl(d->fd, BLKGETSIZE64, &d->size)) {
			snprintf(err, errlen, "%s: BLKGETSIZE64: %s", o->path, strerror(errno));
			return -errno;
		}
	} else if (S_ISREG(st.st_mode)) {
		if ((uint64_t)st.st_size < want && ftruncate(d->fd, (off_t)want)) {
			snprintf(err, errlen, "%s: can not extend to %llu bytes: %s", o->path,
				 (unsigned long long)want, strerror(errno));
			return -errno;
		}
		d->size = want > (uint64_t)st.st_size ? want : (uint64_t)st.st_size;
	} else {
		snprintf(err, errlen, "%s: not a file or a block device", o->path);
		return -EINVAL;
	}
	if (d->size < 4096) {
		snprintf(err, errlen, "%s: %llu bytes: too small (--%s-create SIZE makes it bigger)", o->path,
			 (unsigned long long)d->size, o->role);
		return -EINVAL;
	}
	if (!d->is_block && d->size > old_size) {
		char sz[24];
		format_size(d->size - old_size, sz, sizeof(sz));
		if (o->prefill) {
			if ((r = prefill_path(o, old_size, d->size))) {
				snprintf(err, errlen, "%s: prefilling %s: %s", o->path, sz, strerror(-r));
				return r;
			}
			d->prefilled = d->size - (old_size & ~4095ull);
		} else {
			say(o, "warning: --no-prefill: the %s of %s that --%s-create added is a hole: reads "
			       "there touch no device and measure nothing but the kernel", sz, o->path, o->role);
		}
	}
	d->holes = holes_fraction(d->fd);
	if (d->holes > 0.001 && (o->prefill || d->size == old_size))
		say(o, "warning: %s is sparse: %.1f %% of it is holes, which read from no device (latencies "
		       "there are not the device's); fill it first, e.g. with --%s-create on a new file",
		    o->path, 100 * d->holes, o->role);
	return 0;
}

void rdev_close(struct rdev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}
