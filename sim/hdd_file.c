// SPDX-License-Identifier: GPL-2.0
/* hdd_file.c - read the hdd model's preset file (see hdd_file.h). */
#include "sim/hdd_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/base/units.h"

void hdd_file_free(struct hdd_file *f)
{
	for (size_t i = 0; i < f->nz; i++)
		free(f->zones[i].slip);
	free(f->zones);
	free(f->seek_d);
	free(f->seek_ns);
	memset(f, 0, sizeof(*f));
}

#define MAX_TOK 12

static int split(char *s, char **tok)
{
	int n = 0;
	for (char *p = strtok(s, " \t"); p; p = strtok(NULL, " \t"))
		if (n < MAX_TOK)
			tok[n++] = p;
		else
			return MAX_TOK + 1;
	return n;
}

static bool u32(const char *s, uint32_t *v)
{
	uint64_t x;
	if (parse_u64(s, &x) || x > UINT32_MAX)
		return false;
	*v = (uint32_t)x;
	return true;
}

static bool dbl(const char *s, double *v)
{
	char *e;
	*v = strtod(s, &e);
	return e != s && !*e;
}

static int grow(void **p, size_t *cap, size_t n, size_t sz)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 16;
	void *q = realloc(*p, nc * sz);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = nc;
	return 0;
}

static int zone_line(struct hdd_file *f, size_t *cap, char **tok, int n, char *msg, size_t len)
{
	struct hdd_zspec z = {0};
	static const char *const names[] = {"FIRST", "LAST", "SPT", "TSKEW", "CSKEW", "OFFSET",
					    "FRONT", "SPARE", "CYLSPARE"};
	uint32_t v[9] = {0};

	if (n < 6 || n > 10) {
		snprintf(msg, len, "expected 'zone FIRST LAST SPT TSKEW CSKEW [OFFSET [FRONT "
				   "[SPARE [CYLSPARE]]]]'");
		return -EINVAL;
	}
	for (int i = 1; i < n; i++)
		if (!u32(tok[i], &v[i - 1])) {
			snprintf(msg, len, "field %d (%s): expected an integer, got '%s'", i + 1,
				 names[i - 1], tok[i]);
			return -EINVAL;
		}
	z.first_cyl = v[0];
	z.last_cyl = v[1];
	z.spt = v[2];
	z.tskew = v[3];
	z.cskew = v[4];
	z.offset = v[5];
	z.front = v[6];
	z.spare = v[7];
	z.cylspare = v[8];
	if (z.last_cyl < z.first_cyl || z.spt < 1 || z.last_cyl > (1u << 30)) {
		snprintf(msg, len, "expected FIRST <= LAST <= 2^30 and SPT >= 1");
		return -EINVAL;
	}
	if (f->nz && z.first_cyl <= f->zones[f->nz - 1].last_cyl) {
		snprintf(msg, len, "zone starts at cylinder %u, inside the previous zone (..%u)",
			 z.first_cyl, f->zones[f->nz - 1].last_cyl);
		return -EINVAL;
	}
	if (grow((void **)&f->zones, cap, f->nz, sizeof(*f->zones)))
		return -ENOMEM;
	f->zones[f->nz++] = z;
	return 0;
}

static int seek_line(struct hdd_file *f, size_t *cap, char **tok, int n, char *msg, size_t len)
{
	uint32_t d;
	uint64_t t;

	if (n != 3 || !u32(tok[1], &d) || d < 1 || parse_time_ns(tok[2], &t)) {
		snprintf(msg, len, "expected 'seek DISTANCE TIME' (DISTANCE >= 1 cylinders, TIME with "
				   "a unit, e.g. 2.89ms)");
		return -EINVAL;
	}
	if (f->ns && d <= f->seek_d[f->ns - 1]) {
		snprintf(msg, len, "seek distance %u after %u: distances must increase", d,
			 f->seek_d[f->ns - 1]);
		return -EINVAL;
	}
	size_t c2 = *cap;
	if (grow((void **)&f->seek_d, cap, f->ns, sizeof(*f->seek_d)) ||
	    grow((void **)&f->seek_ns, &c2, f->ns, sizeof(*f->seek_ns)))
		return -ENOMEM;
	f->seek_d[f->ns] = d;
	f->seek_ns[f->ns++] = t;
	return 0;
}

int hdd_file_load(const char *path, const struct opt *opts, void *obj, struct hdd_file *out,
		  char *err, size_t errlen)
{
	FILE *fp = fopen(path, "r");
	char line[4096], msg[512];
	size_t zcap = 0, scap = 0;
	uint64_t lineno = 0;
	int r = 0;

	memset(out, 0, sizeof(*out));
	if (!fp) {
		r = -errno;
		snprintf(err, errlen, "file=%s: %s", path, strerror(errno));
		return r;
	}
	while (fgets(line, sizeof(line), fp)) {
		char *tok[MAX_TOK + 1], *hash;
		int n;

		lineno++;
		msg[0] = '\0';
		if (!strchr(line, '\n') && !feof(fp)) {
			snprintf(msg, sizeof(msg), "line too long");
			r = -EINVAL;
			break;
		}
		if ((hash = strchr(line, '#')))
			*hash = '\0';
		line[strcspn(line, "\r\n")] = '\0';
		n = split(line, tok);
		if (n == 0)
			continue;
		if (!strcmp(tok[0], "zone")) {
			r = zone_line(out, &zcap, tok, n, msg, sizeof(msg));
		} else if (!strcmp(tok[0], "seek")) {
			r = seek_line(out, &scap, tok, n, msg, sizeof(msg));
		} else if (!strcmp(tok[0], "slip")) {
			uint32_t z;
			uint64_t u;
			if (n != 3 || !u32(tok[1], &z) || parse_u64(tok[2], &u) || z < 1 || z > out->nz) {
				snprintf(msg, sizeof(msg), "expected 'slip ZONE UNIT' with ZONE 1..%zu (a "
							   "zone listed above)", out->nz);
				r = -EINVAL;
			} else {
				struct hdd_zspec *zs = &out->zones[z - 1];
				if (zs->nslip && u <= zs->slip[zs->nslip - 1]) {
					snprintf(msg, sizeof(msg), "slips of a zone must increase");
					r = -EINVAL;
				} else if (grow((void **)&zs->slip, &zs->capslip, zs->nslip,
						sizeof(*zs->slip))) {
					r = -ENOMEM;
				} else {
					zs->slip[zs->nslip++] = u;
				}
			}
		} else if (!strcmp(tok[0], "seek_hpl")) {
			for (int i = 0; i < 5 && n == 6; i++)
				if (!dbl(tok[i + 1], &out->hpl[i]))
					n = -1;
			if (n != 6 || out->hpl[0] < 1) {
				snprintf(msg, sizeof(msg), "expected 'seek_hpl V1 V2 V3 V4 V5' (numbers, "
							   "V1 >= 1 cylinders, times in ms)");
				r = -EINVAL;
			}
			out->has_hpl = true;
		} else if (n == 1 && strchr(tok[0], '=')) {
			if (!strncmp(tok[0], "file=", 5) || strstr(tok[0], ",file=")) {
				snprintf(msg, sizeof(msg), "a preset file cannot load another (file=)");
				r = -EINVAL;
			} else {
				r = opt_parse_list(opts, obj, tok[0], msg, sizeof(msg));
			}
		} else {
			snprintf(msg, sizeof(msg), "expected key=value, 'zone ...', 'seek ...' or "
						   "'seek_hpl ...', got '%s'", tok[0]);
			r = -EINVAL;
		}
		if (r)
			break;
	}
	if (!r && ferror(fp)) {
		snprintf(msg, sizeof(msg), "read error");
		r = -EIO;
	}
	fclose(fp);
	if (r) {
		if (r == -ENOMEM)
			snprintf(msg, sizeof(msg), "out of memory");
		snprintf(err, errlen, "%s:%llu: %s", path, (unsigned long long)lineno, msg);
		hdd_file_free(out);
		return r == -ENOENT ? -EINVAL : r;
	}
	return 0;
}
