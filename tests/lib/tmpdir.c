// SPDX-License-Identifier: GPL-2.0
/* tmpdir.c - temporary directories and files for the tests (see tmpdir.h). */
#include "tests/lib/tmpdir.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void fx_mkdtemp(char *dir, size_t len)
{
	snprintf(dir, len, "%s/ssdcache-test-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		abort();
	}
}

void fx_rmdir(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "chmod -R u+w '%s' 2>/dev/null; rm -rf '%s'", dir, dir);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", dir);
}

void fx_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		abort();
	}
}
