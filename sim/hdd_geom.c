// SPDX-License-Identifier: GPL-2.0
/* hdd_geom.c - the hdd model's geometry at init: derived or listed zones, skews, slips, and the
 * seek curve (fitted to datasheet figures, or DiskSim's tables). See dev_hdd.c and
 * docs/devices.md for the physics. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/hdd_internal.h"

/* Solve a 4x4 linear system by Gaussian elimination with partial pivoting. */
static int solve4(double m[4][5])
{
	for (int c = 0; c < 4; c++) {
		int piv = c;
		for (int r = c + 1; r < 4; r++)
			if (fabs(m[r][c]) > fabs(m[piv][c]))
				piv = r;
		if (fabs(m[piv][c]) < 1e-12)
			return -EINVAL;
		for (int k = 0; k < 5; k++) {
			double t = m[c][k];
			m[c][k] = m[piv][k];
			m[piv][k] = t;
		}
		for (int r = 0; r < 4; r++) {
			if (r == c)
				continue;
			double f = m[r][c] / m[c][c];
			for (int k = c; k < 5; k++)
				m[r][k] -= f * m[c][k];
		}
	}
	for (int r = 0; r < 4; r++)
		m[r][4] /= m[r][r];
	return 0;
}

/*
 * Fit a + b*sqrt(d) (d < K) and c + e*d (d >= K) to: f(1) = seek_1, f(N-1) = seek_full, the
 * curve continuous at K, and the mean over seek lengths 1..N-1 weighted by (N - d) (the number
 * of cylinder pairs d apart, the datasheets' "weighted average of all possible seeks") equal to
 * seek_avg. All four conditions are linear in (a, b, c, e).
 */
static int hdd_fit_seek(struct hdd_priv *p, char *err, size_t errlen)
{
	double n = (double)p->nr_cyl, k = floor(p->knee * (n - 1));
	double s1 = (double)p->seek_1 - (double)p->settle;
	double sf = (double)p->seek_full - (double)p->settle;
	double sv = (double)p->seek_avg - (double)p->settle;
	double w = 0, s_1 = 0, s_sq = 0, l_1 = 0, l_d = 0;

	if (k < 2)
		k = 2;
	if (s1 <= 0 || !(s1 < sv && sv < sf)) {
		snprintf(err, errlen, "seek times must satisfy settle < seek_1 < seek_avg < seek_full");
		return -EINVAL;
	}
	for (uint64_t d = 1; d < p->nr_cyl; d++) {
		double wd = n - (double)d;
		w += wd;
		if ((double)d < k) {
			s_1 += wd;
			s_sq += wd * sqrt((double)d);
		} else {
			l_1 += wd;
			l_d += wd * (double)d;
		}
	}
	double m[4][5] = {
		{1, 1, 0, 0, s1},
		{0, 0, 1, n - 1, sf},
		{1, sqrt(k), -1, -k, 0},
		{s_1 / w, s_sq / w, l_1 / w, l_d / w, sv},
	};
	if (solve4(m)) {
		snprintf(err, errlen, "cannot fit the seek curve (degenerate geometry)");
		return -EINVAL;
	}
	p->sa = m[0][4];
	p->sb = m[1][4];
	p->sc = m[2][4];
	p->se = m[3][4];
	p->knee_cyl = (uint32_t)k;
	if (p->sb <= 0 || p->se < 0) {
		snprintf(err, errlen,
			 "seek_1=%.2fms seek_avg=%.2fms seek_full=%.2fms do not fit a rising "
			 "a+b*sqrt(d) / c+e*d curve with seek_knee=%g (b=%.4g, e=%.4g); try another "
			 "seek_knee",
			 (double)p->seek_1 / 1e6, (double)p->seek_avg / 1e6, (double)p->seek_full / 1e6,
			 p->knee, p->sb, p->se);
		return -EINVAL;
	}
	/* The curve tabulated by distance (the same values: hdd_seek_ns evaluates the curve while
	 * seek_lut is NULL): SPTF evaluates it for every queued command at every start, and a
	 * load is cheaper than a square root. Only up to HDD_SEEK_LUT_MAX cylinders (8 B each);
	 * beyond, the curve is evaluated each time. */
	if (p->nr_cyl <= HDD_SEEK_LUT_MAX) {
		uint64_t *lut = malloc(p->nr_cyl * sizeof(*lut));
		if (!lut) {
			snprintf(err, errlen, "out of memory for %llu seek distances",
				 (unsigned long long)p->nr_cyl);
			return -ENOMEM;
		}
		for (uint64_t d = 0; d < p->nr_cyl; d++)
			lut[d] = hdd_seek_ns(p, (uint32_t)d);
		p->seek_lut = lut;
	}
	return 0;
}

/*
 * Seek time from measured points (DiskSim's `extracted` seek curve: linear interpolation
 * between points, linear extrapolation past the last two) and, past the last point, the
 * two-part curve of Ruemmler & Wilkes (DiskSim's `hpl`; with a ten-point table, `hplplus10`).
 * The times are complete (settle included). Tabulated by distance once: the hot path is a load.
 */
static uint64_t hdd_table_seek(const struct hdd_file *f, uint32_t d)
{
	size_t n = f->ns, lo = 0, hi;

	if (n && d <= f->seek_d[n - 1]) {
		if (d <= f->seek_d[0])
			return f->seek_ns[0];
		hi = n - 1; /* seek_d[lo] < d <= seek_d[hi] */
		while (hi - lo > 1) {
			size_t mid = (lo + hi) / 2;
			if (f->seek_d[mid] < d)
				lo = mid;
			else
				hi = mid;
		}
	} else if (f->has_hpl) {
		double ms = d < f->hpl[0] ? f->hpl[1] + f->hpl[2] * sqrt((double)d)
					  : f->hpl[3] + f->hpl[4] * (double)d;
		return ms > 0 ? (uint64_t)llround(ms * 1e6) : 0;
	} else if (n == 1) {
		return f->seek_ns[0];
	} else {
		lo = n - 2;
		hi = n - 1;
	}
	double t0 = (double)f->seek_ns[lo], t1 = (double)f->seek_ns[hi];
	double x = ((double)d - f->seek_d[lo]) / ((double)f->seek_d[hi] - f->seek_d[lo]);
	double t = t0 + (t1 - t0) * x;
	return t > 0 ? (uint64_t)llround(t) : 0;
}

/* Zones from the preset file's list: cylinder ranges, sectors per track, skews, spares. */
static int hdd_zone_list(struct hdd_priv *p, char *err, size_t errlen)
{
	struct hdd_file *f = &p->tab;
	uint64_t lba = 0, track = 0;

	p->zones = calloc(f->nz, sizeof(*p->zones));
	if (!p->zones) {
		snprintf(err, errlen, "out of memory for %zu zones", f->nz);
		return -ENOMEM;
	}
	p->nz = (uint32_t)f->nz;
	for (size_t i = 0; i < f->nz; i++) {
		struct hdd_zspec *zs = &f->zones[i];
		struct hdd_zone *zn = &p->zones[i];
		uint64_t ncyl = (uint64_t)zs->last_cyl - zs->first_cyl + 1;
		uint64_t phys = ncyl * p->heads * zs->spt;
		if (zs->cylspare >= p->heads * zs->spt || (zs->cylspare && p->slip_tracks)) {
			snprintf(err, errlen, "zone %zu (cylinders %u-%u): %u spare sectors per "
					      "cylinder %s", i + 1, zs->first_cyl, zs->last_cyl,
				 zs->cylspare,
				 p->slip_tracks ? "with slip_tracks=1 (slips are sectors under "
						  "per-cylinder sparing)"
						: "leave no room for data");
			return -EINVAL;
		}
		phys -= ncyl * zs->cylspare; /* from here on: data and zone-level spares */
		if (zs->front + zs->spare >= phys) {
			snprintf(err, errlen, "zone %zu (cylinders %u-%u): front %llu + spare %llu "
					      "sectors leave no room for data", i + 1, zs->first_cyl,
				 zs->last_cyl, (unsigned long long)zs->front,
				 (unsigned long long)zs->spare);
			return -EINVAL;
		}
		zn->first_lba = lba;
		zn->first_cyl = zs->first_cyl;
		zn->first_track = track;
		zn->front = zs->front;
		zn->spt = zs->spt;
		zn->skew = zs->tskew % zs->spt;
		zn->cyl_step = ((p->heads - 1) * (uint64_t)zs->tskew + zs->cskew) % zs->spt;
		zn->offset = zs->offset % zs->spt;
		zn->eff_sect_ns_x1k = (uint64_t)((double)p->rev_ns / zn->spt * 1000.0 *
						 (zn->spt + zn->skew) / zn->spt);
		zn->cylspare = zs->cylspare;
		zn->cyl_phys = p->heads * zs->spt;
		zn->cyl_data = zn->cyl_phys - zs->cylspare;
		if (zs->nslip && zs->cylspare) {
			zn->slip_adj = zs->slip; /* raw: hdd_locate absorbs them per cylinder */
			zn->nslip = zs->nslip;
		} else if (zs->nslip) {
			/* in place: slip[j] - j (strictly increasing slips give a non-decreasing array) */
			for (size_t j = 0; j < zs->nslip; j++)
				zs->slip[j] -= j;
			zn->slip_adj = zs->slip;
			zn->nslip = zs->nslip;
		}
		lba += phys - zs->front - zs->spare;
		track += ncyl * p->heads;
	}
	p->nr_cyl = f->zones[f->nz - 1].last_cyl + 1ULL;
	if (p->nr_sect > lba) {
		snprintf(err, errlen, "size %llu sectors exceeds the zone list's %llu data sectors",
			 (unsigned long long)p->nr_sect, (unsigned long long)lba);
		return -EINVAL;
	}
	if (p->nr_cyl < 2) {
		snprintf(err, errlen, "the zone list has a single cylinder");
		return -EINVAL;
	}
	return 0;
}

int hdd_geometry(struct hdd_priv *p, char *err, size_t errlen)
{
	double rev_s = 60.0 / (double)p->rpm;
	double spt_od = p->rate_od * 1e6 * rev_s / 512, spt_id = p->rate_id * 1e6 * rev_s / 512;
	uint64_t sum_spt = 0, cyl_per_zone, lba = 0, track = 0;
	uint32_t nz = (uint32_t)p->nr_zones;

	if (p->rate_id > p->rate_od) {
		snprintf(err, errlen, "rate_id (%g) above rate_od (%g): outer zones are the faster",
			 p->rate_id, p->rate_od);
		return -EINVAL;
	}
	if (spt_id < 16) {
		snprintf(err, errlen, "rate_id %g MB/s at %llu rpm gives under 16 sectors per track",
			 p->rate_id, (unsigned long long)p->rpm);
		return -EINVAL;
	}
	p->rev_ns = (uint64_t)llround(rev_s * 1e9);
	p->nr_sect = p->size / 512;
	if (p->tab.nz) {
		int r = hdd_zone_list(p, err, errlen);
		if (r)
			return r;
		goto seek;
	}
	p->zones = calloc(nz, sizeof(*p->zones));
	if (!p->zones) {
		snprintf(err, errlen, "out of memory for %u zones", nz);
		return -ENOMEM;
	}
	p->nz = nz;
	for (uint32_t z = 0; z < nz; z++) {
		double f = nz > 1 ? (double)z / (nz - 1) : 0;
		p->zones[z].spt = (uint32_t)llround(spt_od - (spt_od - spt_id) * f);
		sum_spt += p->zones[z].spt;
	}
	/* equal cylinders per zone, enough to hold the capacity */
	cyl_per_zone = (p->nr_sect + p->heads * sum_spt - 1) / (p->heads * sum_spt);
	if (cyl_per_zone < 1)
		cyl_per_zone = 1;
	p->nr_cyl = cyl_per_zone * nz;
	if (p->nr_cyl < 8 || p->nr_cyl > UINT32_MAX / 2) {
		snprintf(err, errlen, "size gives %llu cylinders (need 8..2^31)",
			 (unsigned long long)p->nr_cyl);
		return -EINVAL;
	}
	for (uint32_t z = 0; z < nz; z++) {
		struct hdd_zone *zn = &p->zones[z];
		double sect_ns = (double)p->rev_ns / zn->spt;
		uint64_t sw = p->head_switch > p->seek_1 ? p->head_switch : p->seek_1;
		/* Track skew: the next track's first sector is rotated so that a head switch or a
		 * one-cylinder seek finishes just before it arrives (plus one sector of margin). */
		zn->skew = (uint32_t)ceil((double)sw / sect_ns) + 1;
		if (zn->skew >= zn->spt)
			zn->skew = zn->spt - 1;
		zn->eff_sect_ns_x1k = (uint64_t)(sect_ns * 1000.0 * (zn->spt + zn->skew) / zn->spt);
		zn->first_lba = lba;
		zn->first_track = track;
		zn->first_cyl = (uint32_t)(z * cyl_per_zone);
		zn->cyl_step = p->heads * (uint64_t)zn->skew;
		zn->offset = (uint32_t)(track * zn->skew % zn->spt);
		lba += cyl_per_zone * p->heads * zn->spt;
		track += cyl_per_zone * p->heads;
	}
seek:
	if (p->tab.ns || p->tab.has_hpl) {
		p->seek_lut = malloc(p->nr_cyl * sizeof(*p->seek_lut));
		if (!p->seek_lut) {
			snprintf(err, errlen, "out of memory for %llu seek distances",
				 (unsigned long long)p->nr_cyl);
			return -ENOMEM;
		}
		p->seek_lut[0] = 0;
		for (uint64_t d = 1; d < p->nr_cyl; d++)
			p->seek_lut[d] = hdd_table_seek(&p->tab, (uint32_t)d);
		return 0;
	}
	return hdd_fit_seek(p, err, errlen);
}


/*
 * The bound SPTF prunes with (hdd_pick_sptf): every move to a cylinder d away costs at least
 * seek_ns(d) (plus write settle, or a head switch overlapped), except that headsw_max's
 * write_less can take up to write_less - write_settle off a write's. Taking the table's minimum
 * over all distances from d on makes the bound non-decreasing in d whatever the table's shape
 * (a measured one may dip), so the scan may stop at the first distance past the best cost. A
 * rising table without that slack is its own bound (no copy).
 */
void hdd_seek_bound(struct hdd_priv *p)
{
	uint64_t slack = p->headsw_max && p->write_less > p->write_settle
				 ? p->write_less - p->write_settle
				 : 0;
	bool rising = true;

	if (!p->seek_lut)
		return;
	for (uint64_t d = 1; d < p->nr_cyl && rising; d++)
		rising = p->seek_lut[d] >= p->seek_lut[d - 1];
	if (rising && !slack) {
		p->seek_lb = p->seek_lut;
		return;
	}
	uint64_t *lb = malloc(p->nr_cyl * sizeof(*lb)), m = UINT64_MAX;
	if (!lb)
		return; /* no bound: SPTF scans every op (the same choice, slower) */
	for (uint64_t d = p->nr_cyl; d-- > 0;) {
		if (p->seek_lut[d] < m)
			m = p->seek_lut[d];
		lb[d] = m > slack ? m - slack : 0;
	}
	p->seek_lb_own = lb;
	p->seek_lb = lb;
}

/*
 * hdd_locate's zone lookup: a bucket's first zone from a table of at most 4096 buckets over
 * the capacity, then a step or two on (most buckets hold one zone's sectors only), instead of
 * a binary search over the zones for every located sector.
 */
void hdd_zone_index(struct hdd_priv *p)
{
	uint32_t shift = 0;

	while ((p->nr_sect >> shift) >= 4096)
		shift++;
	uint32_t nb = (uint32_t)(p->nr_sect >> shift) + 1, z = 0;
	uint16_t *t = malloc(nb * sizeof(*t));
	if (!t || p->nz > UINT16_MAX + 1u) {
		free(t);
		return; /* hdd_locate searches */
	}
	for (uint32_t b = 0; b < nb; b++) {
		while (z + 1 < p->nz && p->zones[z + 1].first_lba <= (uint64_t)b << shift)
			z++;
		t[b] = (uint16_t)z;
	}
	p->zone_of = t;
	p->zone_shift = shift;
	p->nzone_of = nb;
}
