// SPDX-License-Identifier: GPL-2.0
/* sweep.c - the sweep executor: forked workers simulate, the parent alone records into SQLite. */
#include "reports/sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reports/rep_util.h"

/*
 * The one piece of global mutable state in reports/: the signal number that asked the sweep
 * to stop. A handler can only communicate through a volatile sig_atomic_t; the executor
 * polls it between events (poll() returns EINTR, and wakes every REFRESH_MS anyway).
 */
static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

#define REFRESH_MS 250
#define MSG_MAGIC 0x53574550u /* "SWEP" */

/* What a worker sends back: this header, then struct sim_result, then nr_series intervals.
 * Parent and worker are the same executable image (fork), so raw structs are safe here. */
struct msg_hdr {
	uint32_t magic;
	int32_t rc;
	uint64_t nr_series;
	char err[1024];
};

struct slot {
	pid_t pid;
	int fd;
	int err_fd; /* the worker's stderr (a memfd), or -1 */
	size_t job;
	double started;
};

/* How much of a worker's stderr is relayed and searched for its last line. */
#define STDERR_KEEP (256 * 1024)

static int write_full(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Returns bytes read (< n only at EOF), or -errno. */
static ssize_t read_full(int fd, void *buf, size_t n)
{
	char *p = buf;
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* The worker: never returns. It must not touch the parent's SQLite connection. */
static void worker(int fd, int err_fd, pid_t parent, const struct rep_sweep_job *job,
		   const struct rep_sweep_opts *o)
{
	struct msg_hdr hdr;
	struct sim_config cfg = job->cfg;
	struct sim_result res;
	rep_run_fn run = o->run ? o->run : sim_run;

	/* Default dispositions: a crash or a signal ends the worker, never a handler the parent
	 * (or a test harness) installed. */
	static const int sigs[] = {SIGINT, SIGTERM, SIGPIPE, SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	/* Die with the parent (kill -9 of the sweep must not leave simulations running). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	/* stderr into a file the parent reads when we end: it relays it and records the last
	 * line of a worker that dies (an internal error's "internal error at FILE:LINE: ..."). */
	if (err_fd >= 0 && dup2(err_fd, STDERR_FILENO) < 0)
		_exit(125);
	if (o->run_trace_path) {
		cfg.trace_path = o->run_trace_path;
		if (o->run_trace_opts)
			cfg.trace = *o->run_trace_opts;
		cfg.trace_mem = o->run_trace_mem;
		cfg.trace_mem_len = o->run_trace_mem_len;
	}
	cfg.describe_trace = false; /* the parent described the source once */
	cfg.progress = false;
	memset(&res, 0, sizeof(res));
	memset(&hdr, 0, sizeof(hdr));
	hdr.magic = MSG_MAGIC;
	hdr.rc = run(&cfg, &res, hdr.err, sizeof(hdr.err));
	hdr.nr_series = hdr.rc == 0 && res.series ? res.nr_series : 0;
	if (write_full(fd, &hdr, sizeof(hdr)) || write_full(fd, &res, sizeof(res)) ||
	    (hdr.nr_series &&
	     write_full(fd, res.series, (size_t)hdr.nr_series * sizeof(*res.series))))
		_exit(126);
	/* _exit: no atexit handlers, no stdio flush of the parent's buffers, no SQLite. */
	_exit(0);
}

static void fmt_duration(double s, char *buf, size_t len)
{
	long t = (long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
}

struct progress {
	bool on;
	double t0, last;
	unsigned todo, done, failed, running;
};

static void progress_print(struct progress *p, bool final)
{
	char el[32], eta[32] = "--:--";
	double elapsed = rep_now() - p->t0;

	if (!p->on || (!final && rep_now() - p->last < REFRESH_MS / 1000.0))
		return;
	p->last = rep_now();
	fmt_duration(elapsed, el, sizeof(el));
	if (p->done && p->todo > p->done)
		fmt_duration(elapsed / p->done * (p->todo - p->done), eta, sizeof(eta));
	else if (p->todo == p->done)
		snprintf(eta, sizeof(eta), "0:00");
	fprintf(stderr, "\r\033[Ksweep: %u/%u runs done, %u running, %u failed, %s elapsed, ETA %s%s",
		p->done, p->todo, p->running, p->failed, el, eta, final ? "\n" : "");
	fflush(stderr);
}

/* Copy the worker's stderr to ours (after the progress line is cleared) and keep its last
 * non-empty line in last. */
static void relay_stderr(int fd, bool progress_on, char *last, size_t len)
{
	char *buf;
	ssize_t n;
	off_t size;

	last[0] = '\0';
	if (fd < 0 || (size = lseek(fd, 0, SEEK_END)) <= 0)
		return;
	if (size > STDERR_KEEP)
		size = STDERR_KEEP; /* a runaway worker: its first lines are the useful ones */
	buf = malloc((size_t)size + 1);
	if (!buf)
		return;
	n = pread(fd, buf, (size_t)size, 0);
	if (n > 0) {
		char *end = buf + n, *b;

		if (progress_on)
			fprintf(stderr, "\r\033[K");
		fwrite(buf, 1, (size_t)n, stderr);
		if (end[-1] != '\n')
			fputc('\n', stderr);
		fflush(stderr);
		while (end > buf && (end[-1] == '\n' || end[-1] == '\r'))
			end--;
		*end = '\0';
		b = end;
		while (b > buf && b[-1] != '\n')
			b--;
		snprintf(last, len, "%s", b);
	}
	free(buf);
}

/* Why a worker ended without a result: its status and the last line it wrote on stderr. */
static void describe_status(int status, const char *last, char *buf, size_t len)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == SIM_EXIT_INTERNAL && last[0])
		/* "internal error at FILE:LINE: COND (please report)" */
		snprintf(buf, len, "%s", last);
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "worker killed by signal %d (%s)%s%s", WTERMSIG(status),
			 strsignal(WTERMSIG(status)), last[0] ? ": " : "", last);
	else if (WIFEXITED(status))
		snprintf(buf, len, "worker exited with status %d without a result%s%s",
			 WEXITSTATUS(status), last[0] ? ": " : "", last);
	else
		snprintf(buf, len, "worker ended without a result");
}

/* Read a finished worker's message and record it. Returns 0, or -errno from the database. */
static int collect(struct rep_db *db, const struct rep_sweep_job *jobs, struct slot *s,
		   const struct rep_sweep_opts *o, struct rep_sweep_stats *st, struct progress *pg,
		   char *err, size_t errlen)
{
	struct msg_hdr hdr;
	struct sim_result res;
	struct rep_run_info info = {0};
	const struct rep_sweep_job *job = &jobs[s->job];
	char why[1200], last[1024];
	ssize_t n;
	int status = 0, rc;
	bool complete = false;

	memset(&res, 0, sizeof(res));
	n = read_full(s->fd, &hdr, sizeof(hdr));
	if (n == (ssize_t)sizeof(hdr) && hdr.magic == MSG_MAGIC &&
	    read_full(s->fd, &res, sizeof(res)) == (ssize_t)sizeof(res)) {
		res.series = NULL;
		res.nr_series = 0;
		res.trace_stats_json = NULL; /* the worker's pointer, not ours */
		complete = true;
		if (hdr.nr_series) {
			size_t bytes = (size_t)hdr.nr_series * sizeof(*res.series);

			res.series = malloc(bytes);
			if (!res.series || read_full(s->fd, res.series, bytes) != (ssize_t)bytes)
				complete = false;
			else
				res.nr_series = (size_t)hdr.nr_series;
		}
	}
	close(s->fd);
	while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
		;
	relay_stderr(s->err_fd, pg->on, last, sizeof(last));
	if (s->err_fd >= 0)
		close(s->err_fd);
	s->err_fd = -1;
	pg->running--;
	if (stop_signal) {
		/* Interrupted while this one finished: record it only if it is whole. */
		if (!complete) {
			free(res.series);
			st->lost++;
			return 0;
		}
	}
	info.trace = o->trace;
	info.sweep_id = o->sweep_id;
	info.command_line = o->command_line;
	info.started_at = s->started;
	info.finished_at = rep_now();
	if (!complete) {
		describe_status(status, last, why, sizeof(why));
		info.status = REP_RUN_FAILED;
		info.error = why;
		/* a bug (status 3) or a signal, not a bad trace: the sweep's status says so */
		if (WIFSIGNALED(status) ||
		    (WIFEXITED(status) && WEXITSTATUS(status) == SIM_EXIT_INTERNAL))
			st->crashed++;
	} else if (hdr.rc == 0) {
		info.status = REP_RUN_OK;
		if (o->source_counts)
			res.trace_counts = *o->source_counts;
		if (o->source_format)
			snprintf(res.trace_format, sizeof(res.trace_format), "%s", o->source_format);
	} else {
		hdr.err[sizeof(hdr.err) - 1] = '\0';
		/* -EINVAL: the configuration itself was refused (sim.h); it would be refused again. */
		info.status = hdr.rc == -EINVAL ? REP_RUN_INVALID : REP_RUN_FAILED;
		info.error = hdr.err;
	}
	rc = rep_db_record_run_ex(db, &job->cfg, info.status == REP_RUN_OK ? &res : NULL, &info, NULL,
				  err, errlen);
	free(res.series);
	if (rc)
		return rc;
	pg->done++;
	unsigned *by_status[] = {[REP_RUN_OK] = &st->ok, [REP_RUN_INVALID] = &st->invalid,
				 [REP_RUN_FAILED] = &st->failed};
	++*by_status[info.status];
	pg->failed += info.status == REP_RUN_FAILED;
	if (info.status != REP_RUN_OK) {
		if (pg->on)
			fprintf(stderr, "\r\033[K");
		fprintf(stderr, "sweep: %s: %s: %s\n", job->label,
			info.status == REP_RUN_INVALID ? "refused" : "failed", info.error);
	}
	return 0;
}

static int launch(const struct rep_sweep_job *jobs, size_t j, const struct rep_sweep_opts *o,
		  struct slot *s, char *err, size_t errlen)
{
	int p[2];
	pid_t parent = getpid();

	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "sweep: pipe: %s", strerror(errno));
		return -errno;
	}
	/* Without a memfd the worker writes to our stderr directly (no last line recorded). */
	s->err_fd = memfd_create("ssdcache-sweep-stderr", MFD_CLOEXEC);
	/* Flush before fork so the worker does not write our buffered output a second time. */
	fflush(stdout);
	fflush(stderr);
	s->pid = fork();
	if (s->pid < 0) {
		int e = errno;

		close(p[0]);
		close(p[1]);
		if (s->err_fd >= 0)
			close(s->err_fd);
		s->err_fd = -1;
		snprintf(err, errlen, "sweep: fork: %s", strerror(e));
		return -e;
	}
	if (s->pid == 0) {
		close(p[0]);
		worker(p[1], s->err_fd, parent, &jobs[j], o);
	}
	close(p[1]);
	s->fd = p[0];
	s->job = j;
	s->started = rep_now();
	return 0;
}

static void kill_all(struct slot *slots, unsigned nslots, struct rep_sweep_stats *st)
{
	for (unsigned i = 0; i < nslots; i++)
		if (slots[i].pid > 0)
			kill(slots[i].pid, SIGTERM);
	for (unsigned i = 0; i < nslots; i++) {
		if (slots[i].pid <= 0)
			continue;
		while (waitpid(slots[i].pid, NULL, 0) < 0 && errno == EINTR)
			;
		close(slots[i].fd);
		if (slots[i].err_fd >= 0)
			close(slots[i].err_fd);
		slots[i].err_fd = -1;
		slots[i].pid = 0;
		st->lost++;
	}
}

int rep_sweep_execute(struct rep_db *db, const struct rep_sweep_job *jobs, size_t n,
		      const struct rep_sweep_opts *o, struct rep_sweep_stats *st, char *err,
		      size_t errlen)
{
	struct sigaction sa, old_int, old_term;
	struct progress pg = {.on = o->progress, .t0 = rep_now()};
	unsigned nslots = o->jobs ? o->jobs : 1;
	struct slot *slots;
	struct pollfd *pfd;
	bool *todo;
	size_t next = 0;
	int rc = 0;

	memset(st, 0, sizeof(*st));
	st->total = (unsigned)n;
	slots = calloc(nslots, sizeof(*slots));
	pfd = calloc(nslots, sizeof(*pfd));
	todo = calloc(n ? n : 1, sizeof(*todo));
	if (!slots || !pfd || !todo) {
		free(slots);
		free(pfd);
		free(todo);
		snprintf(err, errlen, "sweep: out of memory for %u workers", nslots);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		rc = rep_db_has_config(db, o->trace->fingerprint, jobs[i].key, err, errlen);
		if (rc < 0)
			goto out;
		todo[i] = rc == 0;
		if (rc)
			st->already++;
	}
	rc = 0;
	pg.todo = st->total - st->already;

	stop_signal = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: poll() must return EINTR so the loop sees the request at once. */
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	for (;;) {
		unsigned nfds = 0;
		int pr;

		while (!stop_signal && pg.running < nslots) {
			while (next < n && !todo[next])
				next++;
			if (next >= n)
				break;
			for (unsigned i = 0; i < nslots; i++) {
				if (slots[i].pid > 0)
					continue;
				if ((rc = launch(jobs, next, o, &slots[i], err, errlen)))
					goto stop;
				pg.running++;
				break;
			}
			next++;
		}
		if (stop_signal)
			break;
		if (pg.running == 0)
			break;
		for (unsigned i = 0; i < nslots; i++) {
			if (slots[i].pid <= 0)
				continue;
			pfd[nfds].fd = slots[i].fd;
			pfd[nfds].events = POLLIN;
			pfd[nfds].revents = 0;
			nfds++;
		}
		progress_print(&pg, false);
		pr = poll(pfd, nfds, REFRESH_MS);
		if (pr < 0 && errno != EINTR) {
			rc = -errno;
			snprintf(err, errlen, "sweep: poll: %s", strerror(errno));
			goto stop;
		}
		if (pr <= 0)
			continue;
		for (unsigned k = 0; k < nfds; k++) {
			if (!(pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			for (unsigned i = 0; i < nslots; i++) {
				if (slots[i].pid <= 0 || slots[i].fd != pfd[k].fd)
					continue;
				rc = collect(db, jobs, &slots[i], o, st, &pg, err, errlen);
				slots[i].pid = 0;
				if (rc)
					goto stop;
				break;
			}
		}
	}
stop:
	kill_all(slots, nslots, st);
	pg.running = 0;
	progress_print(&pg, true);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (!rc && stop_signal)
		rc = -EINTR;
out:
	st->wall_seconds = rep_now() - pg.t0;
	free(slots);
	free(pfd);
	free(todo);
	return rc;
}
