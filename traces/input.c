// SPDX-License-Identifier: GPL-2.0
/* input.c - large buffered reads (or a memory image) with line splitting and a streaming hash. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/base/hash64.h"
#include "traces/trc_internal.h"

#define MAP_MIN (1u << 20) /* smaller files are read: a mapping costs more than it saves */
#ifdef MADV_POPULATE_READ
#define MADV_POPULATE_READ_ MADV_POPULATE_READ
#else
#define MADV_POPULATE_READ_ 22 /* Linux 5.14; older kernels refuse it (EINVAL): no harm */
#endif

static void populate(const struct trc_in *in, const uint8_t *from, size_t len);

/* The bytes as they are read or mapped, once each: the trace's fingerprint (sim/base/hash64). */
static inline void hash_bytes(struct trc_in *in, const uint8_t *p, size_t n)
{
	hash64_update(&in->hash, p, n);
}

struct trc_io_counts trc_io_counts;

int trc_in_open_file(struct trc_in *in, const char *path, size_t cap, bool hashing)
{
	struct stat st;

	memset(in, 0, sizeof(*in));
	in->path = path;
	in->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0)
		return -errno;
	trc_io_counts.opens++;
	if (fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode))
		in->size = (uint64_t)st.st_size;
	if (fstat(in->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(in->fd);
		in->fd = -1;
		return -EISDIR;
	}
	if (in->size >= MAP_MIN && in->size <= SIZE_MAX) {
		/* A regular file is mapped whole and read in place: no copy out of the page cache
		 * (read() spent a quarter of the text readers' time in that copy). The pages are
		 * faulted in as read (the kernel maps cached neighbours around each fault) and
		 * released behind the reader (trc_in_release). */
		void *m = mmap(NULL, (size_t)in->size, PROT_READ, MAP_PRIVATE, in->fd, 0);
		if (m != MAP_FAILED) {
			(void)madvise(m, (size_t)in->size, MADV_SEQUENTIAL);
			in->map = m;
			in->released = m;
			in->map_len = (size_t)in->size;
			populate(in, m, 2 * (size_t)TRC_MAP_WINDOW);
			in->map_len = (size_t)in->size;
			in->p = in->origin = m;
			in->end = in->p + in->map_len;
			in->eof = true;
			in->hashing = hashing;
			hash64_init(&in->hash);
			if (hashing)
				hash_bytes(in, m, in->map_len);
			trc_io_counts.bytes += in->size; /* read once, through the mapping */
			return 0;
		}
	}
	in->buf = malloc(cap);
	if (!in->buf) {
		close(in->fd);
		in->fd = -1;
		return -ENOMEM;
	}
	in->cap = cap;
	in->p = in->end = in->origin = in->buf;
	in->hashing = hashing;
	hash64_init(&in->hash);
	(void)posix_fadvise(in->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return 0;
}

int trc_in_map_whole(struct trc_in *in)
{
	struct stat st;
	uint64_t off = trc_in_offset(in), got;
	void *m;

	if (in->map || in->fd < 0)
		return in->map || in->eof ? 0 : -EINVAL;
	/* what read() already brought in: [0, got) of the file */
	got = in->base + (uint64_t)(in->end - in->origin);
	if (in->read_errno || fstat(in->fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size < got || (uint64_t)st.st_size > SIZE_MAX)
		return -EINVAL;
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, in->fd, 0);
	if (m == MAP_FAILED)
		return -errno;
	(void)madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
	/* The rest of the file is read once, through the mapping: counted and hashed now, as the
	 * mapped open does for the whole file. */
	trc_io_counts.bytes += (uint64_t)st.st_size - got;
	if (in->hashing)
		hash_bytes(in, (const uint8_t *)m + got, (size_t)(st.st_size - (off_t)got));
	free(in->buf);
	in->buf = NULL;
	in->cap = 0;
	in->size = (uint64_t)st.st_size;
	in->map = m;
	in->map_len = (size_t)st.st_size;
	in->origin = m;
	in->base = 0;
	in->p = (const uint8_t *)m + off;
	in->end = (const uint8_t *)m + in->map_len;
	in->released = (const uint8_t *)m + (off & ~(uint64_t)(sysconf(_SC_PAGESIZE) - 1));
	in->eof = true;
	populate(in, in->p, 2 * (size_t)TRC_MAP_WINDOW);
	return 0;
}

void trc_in_share_map(struct trc_in *in, const struct trc_in *of)
{
	if (!of->map || in->origin != of->map)
		return;
	in->map = of->map;
	in->map_len = of->map_len;
	in->released = in->origin;
	in->borrowed = true;
}

void trc_in_take(struct trc_in *to, struct trc_in *from, const char *path)
{
	*to = *from;
	to->path = path;
	memset(from, 0, sizeof(*from));
	from->fd = -1;
}

int trc_in_view(struct trc_in *view, struct trc_in *of, const char *path)
{
	if (trc_in_map_whole(of)) {
		/* Not mappable (an empty file, a pipe): a view only if the buffer holds it all. */
		trc_in_need(of, of->cap);
		if (!of->eof || of->read_errno || of->base || of->p != of->origin)
			return -EINVAL;
	}
	if (of->base)
		return -EINVAL; /* the start of the file is gone (a buffered input read on) */
	trc_in_open_mem(view, path, of->origin, (size_t)(of->end - of->origin), false);
	trc_in_share_map(view, of);
	return 0;
}

void trc_in_open_mem(struct trc_in *in, const char *path, const void *data, size_t len,
		     bool hashing)
{
	memset(in, 0, sizeof(*in));
	in->path = path;
	in->fd = -1;
	in->p = in->origin = data;
	in->end = in->p + len;
	in->eof = true;
	in->size = len;
	in->hashing = hashing;
	hash64_init(&in->hash);
	if (hashing)
		hash_bytes(in, data, len);
}

/* Map the cached pages of [from, from + len) at once (Linux 5.14's MADV_POPULATE_READ: one call
 * instead of a fault per few pages); without it they are faulted in as read. */
static void populate(const struct trc_in *in, const uint8_t *from, size_t len)
{
	const uint8_t *end = (const uint8_t *)in->map + in->map_len;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)from & ~(uintptr_t)(page - 1);
	if (from >= end)
		return;
	if (len > (size_t)(end - from))
		len = (size_t)(end - from);
	(void)madvise((void *)a, (uintptr_t)(from + len) - a, MADV_POPULATE_READ_);
}

void trc_in_release(struct trc_in *in)
{
	/* keep the window just behind p (a caller may still look at the current line) */
	const uint8_t *upto = in->p - TRC_MAP_WINDOW;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)in->released, b = (uintptr_t)upto & ~(uintptr_t)(page - 1);
	if (b > a)
		(void)madvise((void *)a, b - a, MADV_DONTNEED);
	in->released = (const uint8_t *)b;
	populate(in, in->p + TRC_MAP_WINDOW, TRC_MAP_WINDOW);
}

void trc_in_close(struct trc_in *in)
{
	if (in->map && in->borrowed && in->released < in->end) {
		/* A second pass over another input's mapping gives back the pages it still holds
		 * (its window at the end): unmapping would, and the owner keeps the mapping. */
		size_t page = (size_t)sysconf(_SC_PAGESIZE);
		uintptr_t a = (uintptr_t)in->released & ~(uintptr_t)(page - 1);
		(void)madvise((void *)a, (uintptr_t)in->end - a, MADV_DONTNEED);
	}
	if (in->fd >= 0)
		close(in->fd);
	if (in->map && !in->borrowed)
		munmap(in->map, in->map_len);
	free(in->buf);
	in->fd = -1;
	in->buf = NULL;
	in->map = NULL;
}

size_t trc_in_need(struct trc_in *in, size_t need)
{
	size_t have = (size_t)(in->end - in->p);

	if (have >= need || in->eof)
		return have;
	if (need > in->cap)
		need = in->cap;
	if (in->p != in->buf) {
		/* Keep the unread tail; the buffer is large, so this copy is rare and short. */
		memmove(in->buf, in->p, have);
		in->base += (uint64_t)(in->p - in->buf);
		in->p = in->buf;
		in->end = in->buf + have;
	}
	while ((size_t)(in->end - in->p) < need) {
		size_t room = in->cap - (size_t)(in->end - in->buf);
		ssize_t n = read(in->fd, (void *)in->end, room);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			in->read_errno = errno;
			in->eof = true;
			break;
		}
		if (n == 0) {
			in->eof = true;
			break;
		}
		trc_io_counts.bytes += (uint64_t)n;
		if (in->hashing)
			hash_bytes(in, in->end, (size_t)n);
		in->end += n;
	}
	return (size_t)(in->end - in->p);
}

int trc_in_line(struct trc_in *in, const char **line, size_t *len, uint64_t *off)
{
	for (;;) {
		size_t have = (size_t)(in->end - in->p);
		const uint8_t *nl = have ? memchr(in->p, '\n', have) : NULL;

		if (nl) {
			size_t n = (size_t)(nl - in->p);
			if (!in->buf && n >= TRC_LINE_MAX)
				return -E2BIG; /* as when read through the buffer */
			*line = (const char *)in->p;
			*off = trc_in_offset(in);
			in->p = nl + 1;
			in->done += n + 1;
			if (in->map && (size_t)(in->p - in->released) >= 2 * (size_t)TRC_MAP_WINDOW)
				trc_in_release(in);
			if (n && (*line)[n - 1] == '\r')
				n--;
			*len = n;
			return 1;
		}
		if (in->eof) {
			if (in->read_errno)
				return -EIO;
			if (!have)
				return 0;
			if (!in->buf && have >= TRC_LINE_MAX)
				return -E2BIG;
			*line = (const char *)in->p;
			*off = trc_in_offset(in);
			in->p = in->end;
			in->done += have;
			if ((*line)[have - 1] == '\r')
				have--;
			*len = have;
			return 1;
		}
		if (have >= in->cap || have >= TRC_LINE_MAX)
			return -E2BIG;
		trc_in_need(in, have + 1);
	}
}

uint64_t trc_in_hash_final(struct trc_in *in)
{
	if (!in->hashing)
		return 0;
	if (in->fd >= 0) {
		/* Read what the parser did not need (e.g. a footer after the last record). */
		while (!in->eof) {
			trc_in_skip(in, (size_t)(in->end - in->p));
			trc_in_need(in, in->cap);
		}
	}
	return hash64_final(&in->hash);
}
