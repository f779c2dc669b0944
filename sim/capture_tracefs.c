// SPDX-License-Identifier: GPL-2.0
/* capture_tracefs.c - the kernel's tracefs blk tracer, written out as per-CPU blktrace files. */
#include "sim/capture.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * With `bin` in trace_options the blk tracer's trace_pipe carries struct blk_io_trace records
 * (blktrace_api.h: 48 bytes and pdu_len bytes of payload) for every CPU in one stream, with
 * sequence numbers 0 and no process notes. blktrace's own files have one file per CPU,
 * sequence numbers from 1 per CPU and a BLK_TN_PROCESS note (the command name) before a
 * pid's first record, which blkparse uses for its process column: this writes exactly that.
 */
#define TRACEFS "/sys/kernel/tracing"
#define BLK_MAGIC 0x65617400u
#define BLK_VERSION 0x07u
#define BLK_TN_PROCESS (1u << (10 + 16)) /* BLK_TC_ACT(BLK_TC_NOTIFY) | __BLK_TN_PROCESS */
#define REC 48
#define MAX_CPUS 1024

struct blk_rec {
	uint32_t magic, sequence;
	uint64_t time, sector;
	uint32_t bytes, action, pid, device, cpu;
	uint16_t error, pdu_len;
};

struct pidname {
	uint32_t pid;
	char comm[16];
	bool known;
};

struct tfs {
	int pipe_fd;
	unsigned char *buf; /* everything read, parsed at the end */
	size_t len, cap;
	size_t scanned;     /* records before this offset have had their pid noted */
	struct pidname *pids;
	size_t npids, cappids;
};

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	int r = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		r = -errno;
	close(fd);
	return r;
}

static int read_str(const char *path, char *out, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, out, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
	return 0;
}

static void rec_get(const unsigned char *p, struct blk_rec *r);

static void note_pid(struct tfs *s, uint32_t pid)
{
	char p[64], comm[32];

	for (size_t i = 0; i < s->npids; i++)
		if (s->pids[i].pid == pid)
			return;
	if (s->npids == s->cappids) {
		size_t cap = s->cappids ? 2 * s->cappids : 64;
		struct pidname *n = realloc(s->pids, cap * sizeof(*n));
		if (!n)
			return;
		s->pids = n;
		s->cappids = cap;
	}
	struct pidname *e = &s->pids[s->npids++];
	memset(e, 0, sizeof(*e));
	e->pid = pid;
	/* now, while the process most likely still runs; saved_cmdlines fills the rest later */
	snprintf(p, sizeof(p), "/proc/%u/comm", pid);
	if (read_str(p, comm, sizeof(comm)) == 0 && comm[0]) {
		snprintf(e->comm, sizeof(e->comm), "%.15s", comm);
		e->known = true;
	}
}

/* Read what trace_pipe has; remember the pids of complete records as they come. */
static int tfs_read(void *arg, int ms)
{
	struct tfs *s = arg;
	struct pollfd pfd = {s->pipe_fd, POLLIN, 0};

	if (poll(&pfd, 1, ms) < 0)
		return errno == EINTR ? 0 : -errno;
	for (;;) {
		if (s->cap - s->len < 65536) {
			size_t cap = s->cap ? 2 * s->cap : 1 << 20;
			unsigned char *n = realloc(s->buf, cap);
			if (!n)
				return -ENOMEM;
			s->buf = n;
			s->cap = cap;
		}
		ssize_t n = read(s->pipe_fd, s->buf + s->len, s->cap - s->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN)
			return -errno;
		if (n <= 0)
			break;
		s->len += (size_t)n;
	}
	while (s->scanned + REC <= s->len) {
		struct blk_rec h;
		rec_get(s->buf + s->scanned, &h);
		if ((h.magic & 0xffffff00u) != BLK_MAGIC || s->scanned + REC + h.pdu_len > s->len)
			break;
		note_pid(s, h.pid);
		s->scanned += REC + h.pdu_len;
	}
	return 0;
}

static void saved_cmdlines(struct tfs *s)
{
	FILE *f = fopen(TRACEFS "/saved_cmdlines", "r");
	unsigned pid;
	char comm[64];

	if (!f)
		return;
	while (fscanf(f, "%u %63s", &pid, comm) == 2)
		for (size_t i = 0; i < s->npids; i++)
			if (s->pids[i].pid == pid && !s->pids[i].known && strcmp(comm, "<...>")) {
				snprintf(s->pids[i].comm, sizeof(s->pids[i].comm), "%.15s", comm);
				s->pids[i].known = true;
			}
	fclose(f);
}

static void rec_get(const unsigned char *p, struct blk_rec *r)
{
	memcpy(&r->magic, p, 4);
	memcpy(&r->sequence, p + 4, 4);
	memcpy(&r->time, p + 8, 8);
	memcpy(&r->sector, p + 16, 8);
	memcpy(&r->bytes, p + 24, 4);
	memcpy(&r->action, p + 28, 4);
	memcpy(&r->pid, p + 32, 4);
	memcpy(&r->device, p + 36, 4);
	memcpy(&r->cpu, p + 40, 4);
	memcpy(&r->error, p + 44, 2);
	memcpy(&r->pdu_len, p + 46, 2);
}

/* Split the stream into NAME.blktrace.CPU files. */
static int write_files(struct tfs *s, const struct capture_opts *o, struct capture_result *res,
		       char *err, size_t errlen)
{
	FILE *out[MAX_CPUS] = {0};
	uint32_t seq[MAX_CPUS] = {0};
	/* per CPU: pids already announced (a pid's note goes before its first record there) */
	unsigned char *announced = calloc(s->npids ? s->npids : 1, MAX_CPUS / 8);
	unsigned maxcpu = 0;
	size_t off = 0;
	int r = 0;

	if (!announced)
		return -ENOMEM;
	while (off + REC <= s->len) {
		struct blk_rec h;
		rec_get(s->buf + off, &h);
		if ((h.magic & 0xffffff00u) != BLK_MAGIC || off + REC + h.pdu_len > s->len) {
			if ((h.magic & 0xffffff00u) != BLK_MAGIC)
				snprintf(err, errlen, "%s: offset 0x%zx: not a blk_io_trace record (magic 0x%08x); "
						      "the records before it were kept", TRACEFS "/trace_pipe", off, h.magic);
			break;
		}
		if (h.cpu >= MAX_CPUS) {
			snprintf(err, errlen, "trace_pipe: offset 0x%zx: cpu %u out of range", off, h.cpu);
			break;
		}
		if (!out[h.cpu]) {
			for (unsigned c = 0; c <= h.cpu; c++) {
				char path[PATH_MAX];
				if (out[c])
					continue;
				snprintf(path, sizeof(path), "%s.blktrace.%u", o->name, c);
				if (!(out[c] = fopen(path, "w"))) {
					snprintf(err, errlen, "%s: %s", path, strerror(errno));
					r = -errno;
					goto done;
				}
			}
			if (h.cpu + 1 > maxcpu)
				maxcpu = h.cpu + 1;
		}
		size_t pi = 0;
		while (pi < s->npids && s->pids[pi].pid != h.pid)
			pi++;
		if (pi < s->npids && s->pids[pi].known && !(announced[pi * (MAX_CPUS / 8) + h.cpu / 8] & (1u << (h.cpu % 8)))) {
			unsigned char note[REC + 16] = {0};
			struct blk_rec n = h;
			announced[pi * (MAX_CPUS / 8) + h.cpu / 8] |= (unsigned char)(1u << (h.cpu % 8));
			n.sequence = 0, n.sector = 0, n.bytes = 0, n.action = BLK_TN_PROCESS, n.error = 0,
			n.pdu_len = 16;
			memcpy(note, &n.magic, 4), memcpy(note + 4, &n.sequence, 4), memcpy(note + 8, &n.time, 8);
			memcpy(note + 16, &n.sector, 8), memcpy(note + 24, &n.bytes, 4), memcpy(note + 28, &n.action, 4);
			memcpy(note + 32, &n.pid, 4), memcpy(note + 36, &n.device, 4), memcpy(note + 40, &n.cpu, 4);
			memcpy(note + 44, &n.error, 2), memcpy(note + 46, &n.pdu_len, 2);
			memcpy(note + REC, s->pids[pi].comm, strnlen(s->pids[pi].comm, 16));
			fwrite(note, 1, sizeof(note), out[h.cpu]);
		}
		uint32_t sq = ++seq[h.cpu];
		memcpy(s->buf + off + 4, &sq, 4);
		fwrite(s->buf + off, 1, REC + h.pdu_len, out[h.cpu]);
		res->records++;
		off += REC + h.pdu_len;
	}
done:
	for (unsigned c = 0; c < MAX_CPUS; c++)
		if (out[c] && fclose(out[c]) && !r) {
			snprintf(err, errlen, "%s.blktrace.%u: %s", o->name, c, strerror(errno));
			r = -errno;
		}
	free(announced);
	res->ncpus = maxcpu;
	if (!r && !maxcpu) {
		/* nothing traced: one empty file, so that readers say "no requests" and not "no file" */
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s.blktrace.0", o->name);
		FILE *f = fopen(path, "w");
		if (!f || fclose(f)) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -errno;
		}
		res->ncpus = 1;
	}
	return r;
}

/* One setting of tracefs, restored at the end. */
struct saved {
	char path[PATH_MAX];
	char value[128];
	bool set;
};

static int set_saving(struct saved *sv, const char *path, const char *value, char *err, size_t errlen)
{
	int r;

	snprintf(sv->path, sizeof(sv->path), "%s", path);
	if ((r = read_str(path, sv->value, sizeof(sv->value)))) {
		snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return r;
	}
	if ((r = write_str(path, value))) {
		snprintf(err, errlen, "echo %s > %s: %s", value, path, strerror(-r));
		return r;
	}
	sv->set = true;
	return 0;
}

/* trace_options reads as a list of every option: is `name` on? */
static bool option_on(const char *name)
{
	FILE *f = fopen(TRACEFS "/trace_options", "r");
	char w[128];
	bool on = false;

	if (!f)
		return false;
	while (fscanf(f, "%127s", w) == 1)
		if (!strcmp(w, name))
			on = true;
	fclose(f);
	return on;
}

int capture_tracefs(const struct capture_opts *o, struct capture_result *res, char *err, size_t errlen)
{
	struct tfs s = {.pipe_fd = -1};
	struct saved tracer = {0}, on = {0}, enable = {0};
	bool mounted = false, bin_was = false, ctx_was = true;
	char devname[PATH_MAX], enable_path[PATH_MAX + 64], *real = NULL;
	pid_t child = -1;
	int r = 0;

	snprintf(res->how, sizeof(res->how), "tracefs blk tracer");
	if (access(TRACEFS "/current_tracer", F_OK)) {
		if (mount("nodev", TRACEFS, "tracefs", 0, NULL)) {
			r = -errno;
			snprintf(err, errlen, "mount -t tracefs nodev %s: %s", TRACEFS, strerror(errno));
			return r;
		}
		mounted = true;
		snprintf(res->how, sizeof(res->how), "tracefs blk tracer (tracefs mounted at %s for it)", TRACEFS);
	}
	if (!(real = realpath(o->device, NULL))) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", o->device, strerror(errno));
		goto out;
	}
	snprintf(devname, sizeof(devname), "%s", strrchr(real, '/') + 1);
	snprintf(enable_path, sizeof(enable_path), "/sys/class/block/%s/trace/enable", devname);
	if ((r = set_saving(&on, TRACEFS "/tracing_on", "0", err, errlen)))
		goto out;
	char avail[256] = "";
	read_str(TRACEFS "/available_tracers", avail, sizeof(avail));
	if (!strstr(avail, "blk")) {
		snprintf(err, errlen, "the kernel has no blk tracer (available_tracers: %s; needs "
				      "CONFIG_BLK_DEV_IO_TRACE)", avail);
		r = -ENOTSUP;
		goto out;
	}
	if ((r = set_saving(&tracer, TRACEFS "/current_tracer", "blk", err, errlen)))
		goto out;
	bin_was = option_on("bin");
	ctx_was = option_on("context-info");
	if ((r = write_str(TRACEFS "/trace_options", "bin")) ||
	    (r = write_str(TRACEFS "/trace_options", "nocontext-info"))) {
		snprintf(err, errlen, "%s/trace_options: %s", TRACEFS, strerror(-r));
		goto out;
	}
	write_str(TRACEFS "/trace", ""); /* empty the ring buffer: only this capture's events */
	if ((r = set_saving(&enable, enable_path, "1", err, errlen)))
		goto out;
	s.pipe_fd = open(TRACEFS "/trace_pipe", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (s.pipe_fd < 0) {
		r = -errno;
		snprintf(err, errlen, "%s/trace_pipe: %s", TRACEFS, strerror(errno));
		goto out;
	}
	if ((r = write_str(TRACEFS "/tracing_on", "1"))) {
		snprintf(err, errlen, "%s/tracing_on: %s", TRACEFS, strerror(-r));
		goto out;
	}
	r = capture_run_workload(o, &child, tfs_read, &s, &res->command_status);
	/* stop, then drain what is still buffered */
	write_str(TRACEFS "/tracing_on", "0");
	for (int i = 0; i < 20 && !r; i++) {
		size_t before = s.len;
		if ((r = tfs_read(&s, 50)))
			break;
		if (s.len == before && i > 2)
			break;
	}
	if (r) {
		snprintf(err, errlen, "reading %s/trace_pipe: %s", TRACEFS, strerror(-r));
		goto out;
	}
	saved_cmdlines(&s);
	r = write_files(&s, o, res, err, errlen);
out:
	if (s.pipe_fd >= 0)
		close(s.pipe_fd);
	if (enable.set)
		write_str(enable.path, enable.value);
	if (tracer.set) {
		write_str(TRACEFS "/trace_options", bin_was ? "bin" : "nobin");
		write_str(TRACEFS "/trace_options", ctx_was ? "context-info" : "nocontext-info");
		write_str(tracer.path, tracer.value);
	}
	if (on.set)
		write_str(on.path, on.value);
	if (mounted && umount(TRACEFS) && !r) {
		snprintf(err, errlen, "umount %s: %s", TRACEFS, strerror(errno));
		r = -errno;
	}
	free(real);
	free(s.buf);
	free(s.pids);
	return r;
}
