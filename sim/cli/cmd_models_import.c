// SPDX-License-Identifier: GPL-2.0
/* cmd_models_import.c - `ssdcache-sim models import disksim FILE.parv [-o FILE]`: an hdd preset
 * file from a DiskSim drive description (the parsing and mapping are sim/disksim_import.c). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/cli/commands.h"
#include "sim/disksim_import.h"
#include "sim/cli/models_cmds.h"

static void import_usage(FILE *fp)
{
	fprintf(fp,
		"usage: ssdcache-sim models import disksim FILE.parv [-o FILE]\n\n"
		"Read a DiskSim 4.0 parameter file and the files it sources (.diskspecs, .model,\n"
		"the .seek table; found beside the file that names them) and write an hdd preset\n"
		"file reproducing its disk drive: rpm, surfaces, zones (cylinders, sectors per\n"
		"track, track and cylinder skews, spares), the seek curve in DiskSim's form\n"
		"(extracted table, hpl, hplplus10, const, linear, curve), head switch, write\n"
		"settle, controller overheads by read/write, hit/miss and previous command, bus\n"
		"time per block, buffer segments, read-ahead, write cache, queue depth, scheduler.\n"
		"Load it with hdd:file=FILE (options after file= override it).\n\n"
		"Parameters the hdd model cannot reproduce are listed on stderr with their file\n"
		"and line; nothing is dropped silently.\n\n"
		"options:\n"
		"  -o, --output FILE   write the preset file there (default: standard output)\n"
		"  -q, --quiet         do not list the unsupported parameters (only count them)\n"
		"  -h, --help          this text\n\n"
		"exit status: 0 ok, 1 unreadable or bad parameter file, 2 usage\n\n"
		"example: ssdcache-sim models import disksim valid/hp_c2247a.parv -o hp.hdd\n"
		"         ssdcache-sim models replay hdd:file=hp.hdd valid/hp_c2247a.trace\n");
}

static void warn_line(void *ctx, const char *msg)
{
	if (!*(int *)ctx)
		fprintf(stderr, "ssdcache-sim models import: %s\n", msg);
}

int cmd_models_import(int argc, char **argv)
{
	static const struct option lopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *outp = NULL;
	int quiet = 0, c;
	char err[4200];

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:qh", lopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			outp = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			import_usage(stdout);
			return 0;
		default:
			fprintf(stderr, "ssdcache-sim models import: unknown or incomplete option '%s'\n",
				argv[optind - 1]);
			import_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 2 || strcmp(argv[optind], "disksim")) {
		fprintf(stderr, "ssdcache-sim models import: expected 'disksim FILE.parv'%s\n",
			argc - optind >= 1 && strcmp(argv[optind], "disksim")
				? " (disksim is the only source format)"
				: "");
		import_usage(stderr);
		return EXIT_USAGE;
	}
	const char *in = argv[optind + 1];
	/* write to a temporary file beside -o and rename: a failed import leaves no half file */
	char tmp[4000];
	char *mem = NULL;
	size_t memlen = 0;
	FILE *fp;
	if (!outp) {
		/* to standard output only once complete: a failed import prints nothing */
		fp = open_memstream(&mem, &memlen);
		if (!fp) {
			fprintf(stderr, "ssdcache-sim models import: out of memory\n");
			return EXIT_RUNTIME;
		}
	} else {
		snprintf(tmp, sizeof(tmp), "%s.tmp%ld", outp, (long)getpid());
		fp = fopen(tmp, "w");
		if (!fp) {
			fprintf(stderr, "ssdcache-sim models import: %s: %s\n", tmp, strerror(errno));
			return EXIT_RUNTIME;
		}
	}
	struct ds_import_info info;
	int r = ds_import(in, fp, warn_line, &quiet, &info, err, sizeof(err));
	if (outp) {
		if ((ferror(fp) | fclose(fp)) && !r) {
			snprintf(err, sizeof(err), "%s: write error", tmp);
			r = -EIO;
		}
		if (!r && rename(tmp, outp)) {
			snprintf(err, sizeof(err), "%s: %s", outp, strerror(errno));
			r = -errno;
		}
		if (r)
			unlink(tmp);
	} else {
		fclose(fp);
		if (!r && (fwrite(mem, 1, memlen, stdout) != memlen || fflush(stdout))) {
			snprintf(err, sizeof(err), "standard output: write error");
			r = -EIO;
		}
		free(mem);
	}
	if (r) {
		fprintf(stderr, "ssdcache-sim models import: %s\n", err);
		return EXIT_RUNTIME;
	}
	fprintf(stderr, "ssdcache-sim models import: %s: %u parameters mapped, %u not supported "
			"(listed above)%s%s\n", info.drive, info.mapped, info.unsupported,
		outp ? "; wrote " : "", outp ? outp : "");
	return 0;
}
