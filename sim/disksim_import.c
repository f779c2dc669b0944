// SPDX-License-Identifier: GPL-2.0
/* disksim_import.c - DiskSim parameter files to an hdd preset file (see disksim_import.h). */
#include "sim/disksim_import.h"
#include "sim/disksim_parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- mapping ----------------------------------------------------------------------------- */

struct out {
	FILE *fp;
	ds_warn_fn warn;
	void *ctx;
	struct ds_import_info *info;
	struct ds_parser *ps;
};

static void warnf(struct out *o, const struct ds_node *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void warnf(struct out *o, const struct ds_node *n, const char *fmt, ...)
{
	char msg[768];
	int k = snprintf(msg, sizeof(msg), "%s:%u: ", n->file, n->line);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg + k, sizeof(msg) - (size_t)k, fmt, ap);
	va_end(ap);
	o->info->unsupported++;
	if (o->warn)
		o->warn(o->ctx, msg);
}

/* A numeric parameter, marked used. Missing or not a number: -EINVAL with a located error. */
static int get(struct out *o, struct ds_node *blk, const char *name, double *v, bool required)
{
	struct ds_node *n = ds_param(blk, name);
	if (!n) {
		if (!required)
			return 1;
		char m[256];
		snprintf(m, sizeof(m), "%s:%u: block '%s' has no '%s'", blk->file, blk->line,
			 blk->type ? blk->type : "", name);
		snprintf(o->ps->err, o->ps->errlen, "%s", m);
		return -EINVAL;
	}
	n->used = true;
	if (!ds_num(n, v)) {
		snprintf(o->ps->err, o->ps->errlen, "%s:%u: '%s': expected a number, got '%s'",
			 n->file, n->line, name, n->kind == DS_WORD ? n->type : "(block or list)");
		return -EINVAL;
	}
	o->info->mapped++;
	return 0;
}

static void emit_ms(struct out *o, const char *key, double ms)
{
	fprintf(o->fp, "%s=%.0fns\n", key, ms * 1e6 > 0 ? ms * 1e6 : 0);
}

/* Report every parameter of blk not marked used (recursively for blocks and lists). */
static void report_unused(struct out *o, struct ds_node *blk, const char *why)
{
	for (size_t i = 0; i < blk->nkid; i++) {
		struct ds_node *k = blk->kid[i];
		if (k->used)
			continue;
		k->used = true;
		if (k->kind == DS_WORD)
			warnf(o, k, "'%s' = %s: %s", k->name ? k->name : "(item)", k->type, why);
		else if (k->kind == DS_BLOCK)
			warnf(o, k, "'%s' (block %s): %s", k->name ? k->name : "(item)", k->type, why);
		else
			warnf(o, k, "'%s' (list of %zu): %s", k->name ? k->name : "(item)", k->nkid, why);
	}
}

/* A parameter whose value the hdd model reproduces only at one setting. */
static void expect_value(struct out *o, struct ds_node *blk, const char *name, double want,
			 const char *why)
{
	struct ds_node *n = ds_param(blk, name);
	double v;
	if (!n)
		return;
	n->used = true;
	if (ds_num(n, &v) && v == want) {
		o->info->mapped++;
		return;
	}
	warnf(o, n, "'%s' = %s: not supported (%s)", name, n->kind == DS_WORD ? n->type : "?", why);
}

static int seek_file(struct out *o, struct ds_node *n)
{
	struct ds_src s;
	int r = ds_src_open(o->ps, n->file, n->type, &s, NULL);
	if (r) {
		char m[512];
		snprintf(m, sizeof(m), "%s:%u: 'Full seek curve': %s", n->file, n->line, o->ps->err);
		snprintf(o->ps->err, o->ps->errlen, "%s", m);
		return r;
	}
	/* "Seek distances measured: N" then "d, ms" lines */
	char *p = s.text, *end = s.text + s.len;
	unsigned line = 1, count = 0;
	long expect = -1, prev = 0;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		*nl = '\0';
		char *q = p;
		while (isspace((unsigned char)*q))
			q++;
		if (!strncmp(q, "Seek distances measured:", 24)) {
			expect = strtol(q + 24, NULL, 10);
		} else if (*q && *q != '#') {
			char *e;
			long d = strtol(q, &e, 10);
			while (isspace((unsigned char)*e) || *e == ',')
				e++;
			char *e2;
			double ms = strtod(e, &e2);
			if (e == q || e2 == e || d < 0) {
				snprintf(o->ps->err, o->ps->errlen,
					 "%s:%u: expected 'distance, milliseconds', got '%.40s'", s.path,
					 line, q);
				free(s.text);
				return -EINVAL;
			}
			if (d <= prev || ms < 0) {
				/* DiskSim's lookup never uses distance 0 (no seek) and reads the table
				 * in order; the hdd table wants increasing distances */
				struct ds_node tmp = *n;
				tmp.file = s.path;
				tmp.line = line;
				warnf(o, &tmp, "seek table point %ld, %g ms: %s (ignored)", d, ms,
				      ms < 0 ? "a negative time"
				      : d == 0 ? "distance 0 is no seek"
					       : "distances must increase");
				count++;
			} else {
				fprintf(o->fp, "seek %ld %.0fns\n", d, ms * 1e6);
				count++;
				prev = d;
			}
		}
		line++;
		p = nl + 1;
	}
	free(s.text);
	if (expect >= 0 && (unsigned long)expect != count) {
		struct ds_node tmp = *n;
		warnf(o, &tmp, "seek table %s says %ld distances, holds %u (all used)", n->type,
		      expect, count);
	}
	return 0;
}

/* Seek type t's list parameter name of n numbers under m, marked used, into v (NULL: only the
 * check). Missing or of another length: -EINVAL located at the seek type's line st; an item
 * that is not a number: located at the item. */
static int seek_list(struct out *o, struct ds_node *m, const struct ds_node *st, const char *t,
		     const char *name, const char *what, size_t n, double *v)
{
	struct ds_node *l = ds_param(m, name);

	if (!l || l->kind != DS_LIST || l->nkid != n) {
		snprintf(o->ps->err, o->ps->errlen, "%s:%u: seek type '%s' needs '%s'%s", st->file,
			 st->line, t, name, what);
		return -EINVAL;
	}
	l->used = true;
	for (size_t i = 0; i < n; i++)
		if (!ds_num(l->kid[i], &v[i])) {
			snprintf(o->ps->err, o->ps->errlen, "%s:%u: '%s': item %zu is not a number",
				 l->file, l->kid[i]->line, name, i + 1);
			return -EINVAL;
		}
	return 0;
}

static int map_mech(struct out *o, struct ds_node *m, double ncyl)
{
	double v;
	struct ds_node *st = ds_param(m, "Seek type");
	int r;

	if ((r = get(o, m, "Rotation speed (in rpms)", &v, true)))
		return r;
	fprintf(o->fp, "rpm=%.0f\n", v);
	if ((r = get(o, m, "Head switch time", &v, true)))
		return r;
	emit_ms(o, "head_switch", v);
	if ((r = get(o, m, "Add. write settling delay", &v, false)) < 0)
		return r;
	emit_ms(o, "write_settle", r ? 0 : v);
	/* DiskSim adds the delay to every non-zero write move, a negative one too (mech_g1.c) */
	emit_ms(o, "write_less", r || v >= 0 ? 0 : -v);
	fprintf(o->fp, "settle=0\nheadsw_max=1\n");
	expect_value(o, m, "Percent error in rpms", 0, "the spindle speed is exact");
	struct ds_node *at = ds_param(m, "Access time type");
	if (at) {
		at->used = true;
		if (at->kind == DS_WORD && !strcmp(at->type, "trackSwitchPlusRotation"))
			o->info->mapped++;
		else
			warnf(o, at, "'Access time type' = %s: not supported (the model computes seek, "
				     "head switch and rotation: trackSwitchPlusRotation)",
			      at->kind == DS_WORD ? at->type : "?");
	}
	if (!st || st->kind != DS_WORD) {
		snprintf(o->ps->err, o->ps->errlen, "%s:%u: mechanical model without a 'Seek type'",
			 m->file, m->line);
		return -EINVAL;
	}
	st->used = true;
	o->info->mapped++;
	const char *t = st->type;
	double one = -1, avg = -1, full = -1;
	get(o, m, "Single cylinder seek time", &one, false);
	get(o, m, "Average seek time", &avg, false);
	get(o, m, "Full strobe seek time", &full, false);
	if (!strcmp(t, "extracted")) {
		struct ds_node *f = ds_param(m, "Full seek curve");
		if (!f || f->kind != DS_WORD) {
			snprintf(o->ps->err, o->ps->errlen,
				 "%s:%u: seek type 'extracted' without a 'Full seek curve' file",
				 st->file, st->line);
			return -EINVAL;
		}
		f->used = true;
		o->info->mapped++;
		fprintf(o->fp, "# seek: extracted table %s\n", f->type);
		return seek_file(o, f);
	}
	if (!strcmp(t, "hpl") || !strcmp(t, "hplplus10")) {
		double hv[6], ten[10];
		if (seek_list(o, m, st, t, "HPL seek equation values", " (6 numbers)", 6, hv))
			return -EINVAL;
		o->info->mapped++;
		if (!strcmp(t, "hplplus10")) {
			if (seek_list(o, m, st, t, "First ten seek times", "", 10, ten))
				return -EINVAL;
			o->info->mapped++;
			fprintf(o->fp, "# seek: hplplus10 (ten measured distances, then the HPL curve)\n");
			for (int i = 0; i < 10; i++)
				fprintf(o->fp, "seek %d %.0fns\n", i + 1, ten[i] * 1e6);
		} else if (hv[5] != -1 && one > 0) {
			/* V6 != -1: single-cylinder seeks take the measured single-cylinder time */
			fprintf(o->fp, "# seek: hpl, single-cylinder seek measured\nseek 1 %.0fns\n",
				one * 1e6);
		} else {
			fprintf(o->fp, "# seek: hpl\n");
		}
		fprintf(o->fp, "seek_hpl %g %g %g %g %g\n", hv[0], hv[1], hv[2], hv[3], hv[4]);
		return 0;
	}
	if (!strcmp(t, "const") || !strcmp(t, "constant")) {
		double c = avg > 0 ? avg : one;
		if (c <= 0) {
			snprintf(o->ps->err, o->ps->errlen, "%s:%u: constant seek without a time",
				 st->file, st->line);
			return -EINVAL;
		}
		fprintf(o->fp, "# seek: constant\nseek 1 %.0fns\n", c * 1e6);
		return 0;
	}
	if (!strcmp(t, "linear") || !strcmp(t, "curve")) {
		if (one <= 0 || avg <= one || full <= avg) {
			snprintf(o->ps->err, o->ps->errlen,
				 "%s:%u: seek type '%s' needs single < average < full strobe seek times",
				 st->file, st->line, t);
			return -EINVAL;
		}
		if (!strcmp(t, "linear")) {
			/* DiskSim's 3-point line: single-cylinder at 1, the average at a third of the
			 * stroke, the full stroke at the end, straight lines between */
			double third = floor(ncyl / 3);
			fprintf(o->fp, "# seek: linear (three points)\nseek 1 %.0fns\n", one * 1e6);
			if (third > 1)
				fprintf(o->fp, "seek %.0f %.0fns\n", third, avg * 1e6);
			fprintf(o->fp, "seek %.0f %.0fns\n", ncyl - 1 > third ? ncyl - 1 : third + 1,
				full * 1e6);
		} else {
			/* DiskSim's 3-point curve; the hdd model fits its own sqrt/linear curve to
			 * the same three figures (weighted average over seek lengths) */
			warnf(o, st, "seek type 'curve': approximated by the hdd model's fitted "
				     "sqrt/linear curve through the same single/average/full times");
			emit_ms(o, "seek_1", one);
			emit_ms(o, "seek_avg", avg);
			emit_ms(o, "seek_full", full);
		}
		return 0;
	}
	snprintf(o->ps->err, o->ps->errlen, "%s:%u: 'Seek type' = %s: not supported (extracted, "
			     "hpl, hplplus10, const, linear, curve)", st->file, st->line, t);
	return -EINVAL;
}

struct zone_acc {
	double first, last, spt, off, front, tsk, csk, spares;
};

static int map_layout(struct out *o, struct ds_node *l, double heads, double *capacity,
		      double *last_cyl)
{
	double scheme = 0, v;
	int r;

	expect_value(o, l, "LBN-to-PBN mapping scheme", 0, "cylinder-major mapping only");
	if ((r = get(o, l, "Sparing scheme used", &scheme, false)) < 0)
		return r;
	expect_value(o, l, "Rangesize for sparing", 1, "a range of one unit");
	struct ds_node *zl = ds_param(l, "Zones");
	if (!zl || zl->kind != DS_LIST || !zl->nkid) {
		snprintf(o->ps->err, o->ps->errlen, "%s:%u: layout without a 'Zones' list", l->file,
			 l->line);
		return -EINVAL;
	}
	zl->used = true;
	o->info->mapped++;
	*capacity = 0;
	for (size_t i = 0; i < zl->nkid; i++) {
		struct ds_node *z = zl->kid[i];
		struct zone_acc a = {0};
		if (z->kind != DS_BLOCK) {
			snprintf(o->ps->err, o->ps->errlen, "%s:%u: zone %zu is not a block", z->file,
				 z->line, i + 1);
			return -EINVAL;
		}
		z->used = true;
		if ((r = get(o, z, "First cylinder number", &a.first, true)) ||
		    (r = get(o, z, "Last cylinder number", &a.last, true)) ||
		    (r = get(o, z, "Blocks per track", &a.spt, true)))
			return r;
		if (get(o, z, "Offset of first block", &a.off, false) < 0 ||
		    get(o, z, "Empty space at zone front", &a.front, false) < 0 ||
		    get(o, z, "Skew for track switch", &a.tsk, false) < 0 ||
		    get(o, z, "Skew for cylinder switch", &a.csk, false) < 0 ||
		    get(o, z, "Number of spares", &a.spares, false) < 0)
			return -EINVAL;
		double ncyl = a.last - a.first + 1, spare, cylspare = 0;
		struct ds_node *sl0 = ds_param(z, "slips");
		double nslips = sl0 && sl0->kind == DS_LIST ? (double)sl0->nkid : 0;
		/* DiskSim's sparing schemes (disksim_diskmap.h): what the spares take from the zone */
		switch ((int)scheme) {
		case 0:
			spare = 0;
			break;
		case 1: /* TRACK_SPARING: spare tracks */
			spare = a.spares * a.spt;
			break;
		case 2: /* sectors per cylinder, at each cylinder's end: the zone's CYLSPARE */
			spare = 0;
			cylspare = a.spares;
			break;
		case 4: case 5: case 6: /* per cylinder, slipping to the end or at the front */
			spare = a.spares * ncyl;
			break;
		case 3: /* sectors per track */
			spare = a.spares * ncyl * heads;
			break;
		case 7: /* SECTATEND: each slip takes one sector from the zone's end, no spares */
			spare = nslips;
			break;
		case 8: /* per range of cylinders: with ranges of one, per cylinder */
			spare = 0;
			cylspare = a.spares;
			break;
		case 10: /* per zone, and the slips push to its end (layout_g1 blksinband) */
			spare = a.spares + nslips;
			break;
		default: /* 9 per zone: a count of sectors, which also absorbs the slips */
			spare = a.spares;
			break;
		}
		if (scheme >= 3 && scheme <= 6 && a.spares) {
			struct ds_node *sp = ds_param(z, "Number of spares");
			warnf(o, sp ? sp : z, "sparing scheme %g: spares spread over cylinders or "
					      "tracks are taken from the zone's end instead", scheme);
		}
		struct ds_node *sl = ds_param(z, "slips"), *df = ds_param(z, "defects");
		if (sl) {
			sl->used = true;
			o->info->mapped++;
		}
		if (df) {
			df->used = true;
			if (df->nkid)
				warnf(o, df, "zone %zu: %zu defect entries not modelled (remapped "
					     "sectors are read in place)", i + 1, df->nkid);
			else
				o->info->mapped++;
		}
		report_unused(o, z, "not supported");
		if (a.first < 0 || a.last < a.first || a.spt < 1) {
			snprintf(o->ps->err, o->ps->errlen, "%s:%u: zone %zu: bad cylinder range or "
					     "blocks per track", z->file, z->line, i + 1);
			return -EINVAL;
		}
		if (cylspare >= heads * a.spt) {
			struct ds_node *sp = ds_param(z, "Number of spares");
			snprintf(o->ps->err, o->ps->errlen,
				 "%s:%u: zone %zu: %.0f spares per cylinder leave no room for data",
				 sp ? sp->file : z->file,
				 sp ? sp->line : z->line, i + 1, cylspare);
			return -EINVAL;
		}
		if (cylspare)
			fprintf(o->fp, "zone %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f\n",
				a.first, a.last, a.spt, a.tsk, a.csk, floor(a.off), a.front, spare,
				cylspare);
		else
			fprintf(o->fp, "zone %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f\n", a.first,
				a.last, a.spt, a.tsk, a.csk, floor(a.off), a.front, spare);
		/* slips: tracks under track sparing, sectors otherwise (disksim_diskmap.c) */
		double prev = -1;
		for (size_t k = 0; sl && k < sl->nkid; k++) {
			double u;
			if (!ds_num(sl->kid[k], &u) || u < 0 || u <= prev) {
				snprintf(o->ps->err, o->ps->errlen, "%s:%u: zone %zu: slip %zu is not an "
						     "increasing unit number", sl->file, sl->kid[k]->line,
					 i + 1, k + 1);
				return -EINVAL;
			}
			prev = u;
			fprintf(o->fp, "slip %zu %.0f\n", i + 1, u);
		}
		*capacity += ncyl * (heads * a.spt - cylspare) - a.front - spare;
		*last_cyl = a.last;
	}
	(void)v;
	report_unused(o, l, "not supported");
	return 0;
}

static int map_model(struct out *o, struct ds_node *dm, double *size_blocks)
{
	double heads, cyls, blocks, cap = 0, last = 0;
	int r;
	struct ds_node *lay = ds_param(dm, "Layout Model"), *mech = ds_param(dm, "Mechanical Model");

	if ((r = get(o, dm, "Number of data surfaces", &heads, true)) ||
	    (r = get(o, dm, "Number of cylinders", &cyls, true)) ||
	    (r = get(o, dm, "Block count", &blocks, true)))
		return r;
	if (!lay || lay->kind != DS_BLOCK || !mech || mech->kind != DS_BLOCK) {
		snprintf(o->ps->err, o->ps->errlen, "%s:%u: dm_disk needs a 'Layout Model' and a "
				     "'Mechanical Model' block", dm->file, dm->line);
		return -EINVAL;
	}
	lay->used = mech->used = true;
	if (strcmp(lay->type, "dm_layout_g1"))
		warnf(o, lay, "layout %s: read as dm_layout_g1 (zones)", lay->type);
	if (strcmp(mech->type, "dm_mech_g1"))
		warnf(o, mech, "mechanics %s: read as dm_mech_g1", mech->type);
	fprintf(o->fp, "heads=%.0f\n", heads);
	{
		double sch = 0;
		struct ds_node *sn = ds_param(lay, "Sparing scheme used");
		if (ds_num(sn, &sch))
			fprintf(o->fp, "slip_tracks=%d\n", sch == 1 ? 1 : 0);
	}
	if ((r = map_layout(o, lay, heads, &cap, &last)))
		return r;
	if (last + 1 != cyls) {
		struct ds_node *c = ds_param(dm, "Number of cylinders");
		warnf(o, c, "'Number of cylinders' = %.0f but the zones end at cylinder %.0f (the "
			    "zones are used)", cyls, last);
	}
	if (blocks > cap) {
		struct ds_node *bc = ds_param(dm, "Block count");
		/* DiskSim checks the two and goes on; so do we, with the zones' capacity */
		warnf(o, bc, "'Block count' %.0f exceeds the %.0f data sectors the zones hold: the "
			     "drive is given %.0f", blocks, cap, cap);
		blocks = cap;
	}
	fprintf(o->fp, "size=%.0f\n", blocks * 512);
	*size_blocks = blocks;
	if ((r = map_mech(o, mech, last + 1)))
		return r;
	report_unused(o, mech, "not used by this seek type, or not supported");
	report_unused(o, dm, "not supported");
	return 0;
}

/* DiskSim's scheduling policies (disksim_ioqueue.h) the hdd model has an equivalent for. */
static const char *sched_name(int pol)
{
	switch (pol) {
	case 1: return "fifo";
	case 2: case 5: return "elevator";
	case 4: case 7: return "sstf";
	case 8: case 9: case 10: case 11: case 12: case 13: case 14: case 15: case 16: return "sptf";
	default: return NULL;
	}
}

static int map_disk(struct out *o, struct ds_node *d, double bus_r, double bus_w)
{
	struct ds_node *model = ds_param(d, "Model");
	double v, scale = 1, per_req = 0, bulk = 0, segs = 1, seg_size = 0, ra = 0, fwl = 0;
	double blocks = 0;
	int r;

	if (!model || model->kind != DS_BLOCK) {
		snprintf(o->ps->err, o->ps->errlen, "%s:%u: disk '%s' has no 'Model' block", d->file,
			 d->line, d->bname);
		return -EINVAL;
	}
	model->used = true;
	o->info->mapped++;
	if ((r = map_model(o, model, &blocks)))
		return r;
	if (get(o, d, "Time scale for overheads", &scale, false) < 0 ||
	    get(o, d, "Per-request overhead time", &per_req, false) < 0 ||
	    get(o, d, "Bulk sector transfer time", &bulk, false) < 0)
		return -EINVAL;
	/* overheads */
	static const struct {
		const char *name, *key;
	} ovh[] = {
		{"Read hit over. after read", "ovh_rhit_r"},   {"Read hit over. after write", "ovh_rhit_w"},
		{"Read miss over. after read", "ovh_rmiss_r"}, {"Read miss over. after write", "ovh_rmiss_w"},
		{"Write hit over. after read", "ovh_whit_r"},  {"Write hit over. after write", "ovh_whit_w"},
		{"Write miss over. after read", "ovh_wmiss_r"}, {"Write miss over. after write", "ovh_wmiss_w"},
		{"Read completion overhead", "ovh_done_read"}, {"Write completion overhead", "ovh_done_write"},
		{"First reselect overhead", "ovh_reselect"},
	};
	fprintf(o->fp, "split_overheads=1\n");
	for (size_t i = 0; i < sizeof(ovh) / sizeof(ovh[0]); i++) {
		if ((r = get(o, d, ovh[i].name, &v, false)) < 0)
			return r;
		double add = i < 8 ? per_req : 0;
		emit_ms(o, ovh[i].key, ((r ? 0 : v) + add) * scale);
	}
	/* the interface: the slowest of the disk's own sector time and its buses' block times */
	double br = bulk > bus_r ? bulk : bus_r, bw = bulk > bus_w ? bulk : bus_w;
	if (br > 0)
		emit_ms(o, "bus_block_read", br);
	if (bw > 0)
		emit_ms(o, "bus_block_write", bw);
	if ((r = get(o, d, "High (read) water mark", &v, false)) < 0)
		return r;
	fprintf(o->fp, "bus_watermark=%g\n", r ? 0 : v);
	expect_value(o, d, "Set watermark by reqsize", 1, "the water mark is a fraction of the request");
	/* buffer */
	if (get(o, d, "Number of buffer segments", &segs, false) < 0 ||
	    get(o, d, "Segment size (in blks)", &seg_size, false) < 0 ||
	    get(o, d, "Maximum read-ahead (blks)", &ra, false) < 0 ||
	    get(o, d, "Fast write level", &fwl, false) < 0)
		return -EINVAL;
	if (segs < 1)
		segs = 1;
	double enable = 1, cont = 3, wsegs = segs;
	if (get(o, d, "Enable caching in buffer", &enable, false) < 0 ||
	    get(o, d, "Buffer continuous read", &cont, false) < 0 ||
	    get(o, d, "Maximum number of write segments", &wsegs, false) < 0)
		return -EINVAL;
	/* disk_buffer_get_max_readahead: without a maximum, modes 1-3 read ahead a segment */
	bool ra_seg = ra <= 0 && cont >= 1 && cont <= 3;
	if (ra_seg)
		ra = seg_size > 0 ? seg_size : 64;
	if (!enable || cont == 0)
		ra = 0;
	/* DiskSim's continuous-read modes: 4 is DEC's track scheme; 1-3 read ahead by Maximum
	 * read-ahead (disk_buffer_get_max_readahead uses it for all three) */
	fprintf(o->fp, "ra_track=%d\n", cont == 4 ? 1 : 0);
	/* 1 and 2: the background read-ahead neither switches heads nor seeks (disk_buffer_seek) */
	fprintf(o->fp, "ra_bound=%d\n", cont == 1 || cont == 2 ? (int)cont : 0);
	/* the hdd model splits cache_size in halves: read segments and the write cache */
	fprintf(o->fp, "cache_segments=%.0f\n", segs);
	fprintf(o->fp, "cache_size=%.0f\n", 2 * segs * (seg_size > 0 ? seg_size : 64) * 512);
	fprintf(o->fp, "readahead=%.0f\n", ra * 512);
	fprintf(o->fp, "write_cache=%d\n", fwl > 0 && enable ? 1 : 0);
	fprintf(o->fp, "wc_entries=%.0f\n", wsegs >= 1 ? wsegs : 1);
	if (fwl == 1) {
		struct ds_node *f = ds_param(d, "Fast write level");
		warnf(o, f, "'Fast write level' = 1 (sequential writes only): every write is cached");
	}
	if ((r = get(o, d, "Max queue length", &v, false)) < 0)
		return r;
	fprintf(o->fp, "queue_depth=%.0f\n", r || v < 1 ? 1 : v > 256 ? 256 : v);
	if ((r = get(o, d, "Minimum seek delay", &v, false)) < 0)
		return r;
	emit_ms(o, "min_write_pos", r ? 0 : v);
	struct ds_node *sch = ds_param(d, "Scheduler");
	const char *sn = "fifo";
	if (sch && sch->kind == DS_BLOCK) {
		sch->used = true;
		double pol = 1;
		if (get(o, sch, "Scheduling policy", &pol, false) < 0)
			return -EINVAL;
		sn = sched_name((int)pol);
		if (!sn) {
			struct ds_node *p = ds_param(sch, "Scheduling policy");
			warnf(o, p, "'Scheduling policy' = %g: no equivalent; fifo", pol);
			sn = "fifo";
		}
		report_unused(o, sch, "not supported (the drives replayed see one request at a time)");
	}
	fprintf(o->fp, "sched=%s\n", sn);
	double rhw = 1;
	if (get(o, d, "Allow read hits on write data", &rhw, false) < 0)
		return -EINVAL;
	fprintf(o->fp, "wc_keep=%d\n", rhw ? 1 : 0);
	double sep = 1;
	if (get(o, d, "Use separate write segment", &sep, false) < 0)
		return -EINVAL;
	fprintf(o->fp, "wc_shared=%d\n", sep ? 0 : 1);
	/* DiskSim's segment replacement (disksim_diskcache.c), whatever the parameters */
	fprintf(o->fp, "seg_disksim=1\n");
	/* "Read-ahead over requested" (keeprequestdata): 1, read-ahead may push the request's data
	 * out of the segment (the model's segments keep their tail); -1, the request's data is
	 * dropped once sent (ra_discard); 0 differs from 1 only where the read-ahead is a segment
	 * (no maximum, modes 1-3: the segment less the request, disk_buffer_get_max_readahead) */
	double keep = 1;
	if (get(o, d, "Read-ahead over requested", &keep, false) < 0)
		return -EINVAL;
	fprintf(o->fp, "ra_discard=%d\n", keep < 0 ? 1 : 0);
	if (keep == 0 && ra_seg) {
		struct ds_node *k = ds_param(d, "Read-ahead over requested");
		warnf(o, k, "'Read-ahead over requested' = 0 without a maximum read-ahead: a "
			    "segment is read ahead past the request (DiskSim: the segment less the "
			    "request)");
	}
	double idle = 0;
	if (get(o, d, "Read-ahead on idle hit", &idle, false) < 0)
		return -EINVAL;
	fprintf(o->fp, "ra_on_hit=%d\n", idle && enable && cont != 0 ? 1 : 0);
	expect_value(o, d, "Combine seq writes", 1, "sequential cached writes are combined");
	/* what the model always does (disksim_diskcache.c, disksim_diskctlr.c, these values) */
	expect_value(o, d, "Write hit stop prefetch", 1, "a write stops the read-ahead");
	expect_value(o, d, "Read any free blocks", 0, "no blocks before the request are read");
	expect_value(o, d, "Minimum read-ahead (blks)", 0, "the read-ahead stops when a command "
							  "needs the head");
	expect_value(o, d, "Allow almost read hits", 0, "a read at the block being read ahead "
						       "waits for the media");
	double immed = 0;
	if (get(o, d, "Immed transfer partial hit", &immed, false) < 0)
		return -EINVAL;
	fprintf(o->fp, "immed_partial=%d\n", immed ? 1 : 0);
	struct ds_node *cs = ds_param(d, "Calc sector by sector");
	if (cs) { /* DiskSim's manual: no effect on accuracy, and always on */
		cs->used = true;
		o->info->mapped++;
	}
	report_unused(o, d, "not supported");
	return 0;
}

/* Every block of type t (top-level). */
static void buses(struct out *o, struct ds_node *top, double *r, double *w)
{
	*r = *w = 0;
	for (size_t i = 0; i < top->nkid; i++) {
		struct ds_node *b = top->kid[i];
		double v;
		if (strcmp(b->type, "disksim_bus"))
			continue;
		if (get(o, b, "Read block transfer time", &v, false) == 0 && v > *r)
			*r = v;
		if (get(o, b, "Write block transfer time", &v, false) == 0 && v > *w)
			*w = v;
		report_unused(o, b, "bus arbitration is not modelled");
		b->used = true;
	}
}

int ds_import(const char *path, FILE *fp, ds_warn_fn warn, void *ctx,
	      struct ds_import_info *info, char *err, size_t errlen)
{
	struct ds_parser ps = {.err = err, .errlen = errlen};
	struct ds_node top = {.kind = DS_LIST};
	struct out o = {.fp = fp, .warn = warn, .ctx = ctx, .info = info, .ps = &ps};
	struct ds_node *disk = NULL;
	double br, bw;
	int r;

	memset(info, 0, sizeof(*info));
	err[0] = '\0';
	r = ds_parse(&ps, path, &top);
	if (!r) {
		for (size_t i = 0; i < top.nkid; i++)
			if (!strcmp(top.kid[i]->type, "disksim_disk")) {
				if (disk) {
					warnf(&o, top.kid[i], "second disk '%s': only the first ('%s') "
							      "is imported", top.kid[i]->bname,
					      disk->bname);
					top.kid[i]->used = true;
				} else {
					disk = top.kid[i];
				}
			}
		if (!disk) {
			snprintf(err, errlen, "%s: no disksim_disk block (in it or the files it "
					      "sources)", path);
			r = -EINVAL;
		}
	}
	if (!r) {
		snprintf(info->drive, sizeof(info->drive), "%s", disk->bname);
		fprintf(fp, "# hdd preset for %s, imported from %s by ssdcache-sim models import "
			    "disksim\n", disk->bname, path);
		disk->used = true;
		buses(&o, &top, &br, &bw);
		r = map_disk(&o, disk, br, bw);
	}
	if (!r)
		for (size_t i = 0; i < top.nkid; i++) {
			struct ds_node *b = top.kid[i];
			if (!b->used)
				warnf(&o, b, "block %s %s: not a drive parameter (ignored)", b->type,
				      b->bname);
		}
	for (size_t i = 0; i < top.nkid; i++)
		ds_node_free(top.kid[i]);
	free(top.kid);
	ds_parser_free(&ps);
	return r;
}
