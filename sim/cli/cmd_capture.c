// SPDX-License-Identifier: GPL-2.0
/* cmd_capture.c - `ssdcache-sim capture`: blktrace files of a device, by blktrace or tracefs. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim/capture.h"
#include "sim/cli/commands.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: ssdcache-sim capture --device /dev/X (--seconds N | -- COMMAND [ARGS...]) -o NAME\n"
		"\n"
		"Record the block I/O of a device as blktrace files NAME.blktrace.0, .1, ... (one per CPU),\n"
		"which blkparse and every command here read. Needs root. With a COMMAND, traces while it\n"
		"runs (and at most --seconds if given).\n"
		"\n"
		"  --device PATH     the block device (a disk, a partition, a loop device)\n"
		"  --seconds N       how long to trace (without a COMMAND: required)\n"
		"  -o, --output NAME output prefix (NAME may hold a directory)\n"
		"  --method M        auto (default): blktrace, and the tracefs blk tracer when blktrace can\n"
		"                    not run (no debugfs, kernel lockdown); or blktrace, or tracefs\n"
		"  --quiet           no notes on stderr\n"
		"\n"
		"The tracefs path mounts tracefs at /sys/kernel/tracing when it is not mounted (and\n"
		"unmounts it after), sets current_tracer=blk, trace_options bin and nocontext-info,\n"
		"enables /sys/class/block/X/trace/enable, reads trace_pipe and restores every setting.\n"
		"\n"
		"exit status: 0 ok, 1 neither method worked or I/O error, 2 bad arguments, 130 interrupted\n"
		"example:\n"
		"  ssdcache-sim capture --device /dev/loop0 -o dd -- dd if=/dev/zero of=/dev/loop0 bs=4k count=100 oflag=direct\n"
		"  ssdcache-sim run dd.blktrace.0\n");
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int capture_run_workload(const struct capture_opts *o, pid_t *child, int (*poll_fn)(void *arg, int ms),
			 void *arg, int *status)
{
	double end = o->seconds > 0 ? mono_s() + o->seconds : 0;
	int r = 0;

	*status = -1;
	*child = -1;
	if (o->command) {
		fflush(NULL);
		pid_t p = fork();
		if (p < 0)
			return -errno;
		if (p == 0) {
			execvp(o->command[0], o->command);
			fprintf(stderr, "ssdcache-sim capture: %s: %s\n", o->command[0], strerror(errno));
			_exit(127);
		}
		*child = p;
	}
	for (;;) {
		if (*o->stop)
			break;
		if (*child > 0) {
			int st;
			pid_t w = waitpid(*child, &st, WNOHANG);
			if (w == *child) {
				*status = st;
				*child = -1;
				break;
			}
		}
		double left = end ? end - mono_s() : 1;
		if (end && left <= 0)
			break;
		int ms = left > 0.1 ? 100 : (int)(left * 1000) + 1;
		if (poll_fn && (r = poll_fn(arg, ms)))
			break;
		if (!poll_fn) {
			struct timespec ts = {0, (long)ms * 1000000L};
			nanosleep(&ts, NULL);
		}
	}
	if (*child > 0) { /* time is up or interrupted: the command is stopped */
		kill(*child, SIGTERM);
		waitpid(*child, status, 0);
		*child = -1;
	}
	return r;
}

/* blktrace itself: needs debugfs (mounted here if it is not, and unmounted after). Returns 0,
 * or -errno with what blktrace said in err (then the caller falls back). */
static int capture_blktrace(const struct capture_opts *o, struct capture_result *res, char *err, size_t errlen)
{
	char dir[PATH_MAX], base[PATH_MAX], logpath[] = "/tmp/ssdcache-capture.XXXXXX";
	const char *slash = strrchr(o->name, '/');
	bool mounted = false;
	int logfd, st, r = 0;
	pid_t bt;

	snprintf(res->how, sizeof(res->how), "blktrace");
	if (access("/sys/kernel/debug/block", F_OK)) {
		if (mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL)) {
			snprintf(err, errlen, "mount -t debugfs: %s", strerror(errno));
			return -errno;
		}
		mounted = true;
	}
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - o->name) : 1, slash ? o->name : ".");
	snprintf(base, sizeof(base), "%s", slash ? slash + 1 : o->name);
	if ((logfd = mkstemp(logpath)) < 0) {
		r = -errno;
		snprintf(err, errlen, "mkstemp: %s", strerror(errno));
		goto out;
	}
	unlink(logpath);
	fflush(NULL);
	if ((bt = fork()) < 0) {
		r = -errno;
		goto out;
	}
	if (bt == 0) {
		dup2(logfd, 1);
		dup2(logfd, 2);
		execlp("blktrace", "blktrace", "-d", o->device, "-D", dir, "-o", base, (char *)NULL);
		fprintf(stderr, "blktrace: %s\n", strerror(errno));
		_exit(127);
	}
	/* blktrace that can not trace gives up at once ("FAILED to start thread", EPERM) */
	for (int i = 0; i < 10; i++) {
		struct timespec ts = {0, 100000000L};
		nanosleep(&ts, NULL);
		if (waitpid(bt, &st, WNOHANG) == bt) {
			char msg[512] = "";
			ssize_t n = pread(logfd, msg, sizeof(msg) - 1, 0);
			msg[n > 0 ? n : 0] = '\0';
			for (size_t k = strlen(msg); k && (msg[k - 1] == '\n' || msg[k - 1] == ' '); k--)
				msg[k - 1] = '\0';
			for (char *c = msg; *c; c++)
				if (*c == '\n')
					*c = ' ';
			snprintf(err, errlen, "blktrace exited with status %d: %s", WEXITSTATUS(st), msg);
			r = -EPERM;
			goto out;
		}
	}
	r = capture_run_workload(o, &(pid_t){0}, NULL, NULL, &res->command_status);
	kill(bt, SIGINT);
	waitpid(bt, &st, 0);
	if (!r) {
		char p[PATH_MAX + 16];
		struct stat sb;
		res->ncpus = 0;
		for (;; res->ncpus++) {
			snprintf(p, sizeof(p), "%s.blktrace.%u", o->name, res->ncpus);
			if (stat(p, &sb))
				break;
			res->records += (unsigned long)sb.st_size / 48; /* at most: pdus and notes aside */
		}
		if (!res->ncpus) {
			snprintf(err, errlen, "blktrace wrote no %s.blktrace.0", o->name);
			r = -EIO;
		}
	}
out:
	if (logfd >= 0)
		close(logfd);
	if (mounted)
		umount("/sys/kernel/debug");
	return r;
}

int cmd_capture(int argc, char **argv)
{
	static const struct option opts[] = {
		{"device", required_argument, NULL, 'd'}, {"seconds", required_argument, NULL, 's'},
		{"output", required_argument, NULL, 'o'}, {"method", required_argument, NULL, 'm'},
		{"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct capture_opts o = {.stop = &stop_flag};
	struct capture_result res = {.command_status = -1};
	const char *method = "auto";
	char err[1024] = "", err2[1024] = "";
	struct stat st;
	int opt, r;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+o:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			o.device = optarg;
			break;
		case 's': {
			char *end;
			o.seconds = strtod(optarg, &end);
			if (end == optarg || *end || !(o.seconds > 0) || o.seconds > 1e7) {
				fprintf(stderr, "ssdcache-sim capture: --seconds %s: expected a number above 0\n", optarg);
				return EXIT_USAGE;
			}
			break;
		}
		case 'o':
			o.name = optarg;
			break;
		case 'm':
			method = optarg;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "ssdcache-sim capture: unknown option or missing value: '%s'\n"
					"(ssdcache-sim capture --help for usage)\n", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		o.command = argv + optind; /* after "--" */
	if (!o.device || !o.name || (!o.seconds && !o.command)) {
		fprintf(stderr, "ssdcache-sim capture: needs --device, -o NAME and --seconds N or a COMMAND\n"
				"(ssdcache-sim capture --help for usage)\n");
		return EXIT_USAGE;
	}
	if (strcmp(method, "auto") && strcmp(method, "blktrace") && strcmp(method, "tracefs")) {
		fprintf(stderr, "ssdcache-sim capture: --method %s: expected auto, blktrace or tracefs\n", method);
		return EXIT_USAGE;
	}
	if (stat(o.device, &st) || !S_ISBLK(st.st_mode)) {
		fprintf(stderr, "ssdcache-sim capture: %s: not a block device\n", o.device);
		return EXIT_USAGE;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "ssdcache-sim capture: tracing block I/O needs root (blktrace and tracefs)\n");
		return EXIT_RUNTIME;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	r = -1;
	if (strcmp(method, "tracefs")) {
		r = capture_blktrace(&o, &res, err, sizeof(err));
		if (r && !o.quiet && !strcmp(method, "auto"))
			fprintf(stderr, "ssdcache-sim capture: blktrace can not trace here (%s); using the tracefs "
					"blk tracer\n", err);
	}
	if (r && strcmp(method, "blktrace")) {
		memset(&res, 0, sizeof(res));
		res.command_status = -1;
		r = capture_tracefs(&o, &res, err2, sizeof(err2));
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (r) {
		fprintf(stderr, "ssdcache-sim capture: %s%s%s\n", strcmp(method, "tracefs") ? err : "",
			!strcmp(method, "auto") ? "; tracefs: " : "", err2);
		if (!strcmp(method, "auto"))
			fprintf(stderr, "ssdcache-sim capture: neither blktrace nor the tracefs blk tracer works "
					"here: see README (Capture) for what to do\n");
		return EXIT_RUNTIME;
	}
	if (!o.quiet) {
		fprintf(stderr, "ssdcache-sim capture: %s%lu records in %s.blktrace.0..%u (%s)\n",
			strcmp(res.how, "blktrace") ? "" : "at most ", res.records, o.name,
			res.ncpus ? res.ncpus - 1 : 0, res.how);
		if (err2[0])
			fprintf(stderr, "ssdcache-sim capture: warning: %s\n", err2);
	}
	if (res.command_status != -1 && !(WIFEXITED(res.command_status) && WEXITSTATUS(res.command_status) == 0) &&
	    !o.quiet)
		fprintf(stderr, "ssdcache-sim capture: warning: the command ended with status %d\n",
			WIFEXITED(res.command_status) ? WEXITSTATUS(res.command_status) : 128 + WTERMSIG(res.command_status));
	return stop_flag ? 130 : 0;
}
