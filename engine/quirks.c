// SPDX-License-Identifier: GPL-2.0
/* quirks.c - the seed's quirks (docs/quirks.md): what the seed does, what the fix does. */
#include "engine/quirks.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define Q(n, title_, dec, fix, seed_, fixed_) [n] = {n, title_, dec, fix, seed_, fixed_}

const struct quirk_info quirk_table[QUIRK_MAX + 1] = {
	Q(1, "Reads never evict; a read that finds no slot counts as a write skip", true, true,
	  "reads never evaluate victims; with a full probe chain a read returns WRITE_SKIP (write_skip++) and is not cached",
	  "reads evict with the LRU/LFU policy; a read that finds nothing evictable returns LOOKUP_FAILED (lookup_busy++)"),
	Q(2, "assoc N probes N+1 cmds", true, true,
	  "assoc counts rehashes: assoc 4 scans 5 cmds, assoc 0 scans one",
	  "assoc N scans max(1, N) cmds"),
	Q(3, "The eviction victim comes from the last probe only", true, true,
	  "the LRU/LFU candidate is reset at every probe",
	  "the best candidate over every probed cmd is evicted"),
	Q(4, "Eviction eligibility is judged on the new bio's offsets", true, true,
	  "a victim is skipped only if busy or not clean at the offsets of the incoming bio",
	  "a victim must have no I/O in flight anywhere in its block"),
	Q(5, "The scan stops one entry after the first hole; duplicate ctes", true, true,
	  "the match test stops one slot after the first hole, and a hole in an earlier probe wins over the block's cte in a later probe",
	  "every slot of every probe is searched for the block before a hole is used"),
	Q(6, "LFU/LRU keys measure state transitions", true, true,
	  "count +1 and atime = now on every cte transition (including cleanups); ties go to the highest slot",
	  "count +1 and atime = now once per user access (each map of a matching block)"),
	Q(7, "Probe chains can revisit the same cmd", true, true,
	  "step = hash_64 (1 if 0): chains cycle when the step shares factors with num_cmd",
	  "the step is forced odd, so the chain visits distinct cmds"),
	Q(8, "skip_write_insert only prevents creating cmds", true, true,
	  "a write skips only when a probe reaches a missing cmd; cmd_preload disables it",
	  "with skip_write_insert a write miss never allocates a cte"),
	Q(9, "WRITE_CANCEL resubmits the bio to the cache device itself", true, true,
	  "a write colliding with in-flight I/O cancels it and is mapped again as a new bio (counted twice)",
	  "the colliding write waits in the engine until its offsets are idle, then is looked up again; nothing is cancelled"),
	Q(10, "Late completions act on a successor cte", true, true,
	  "completions match the block sector only, so an old I/O updates a new cte of the same block in the same slot",
	  "every cte carries an allocation generation; completions of an older generation change nothing"),
	Q(11, "WB + queue_busy: the new data never reaches the target", true, true,
	  "a WRITE_BUSY write goes to the cache, and its deferred copy to the cache again (lost write)",
	  "the colliding write waits until its offsets are idle and is then written to both devices"),
	Q(12, "WT + queue_busy: WRITE_BUSY leaves clean set; the deferred copy is cancelled", true, true,
	  "the busy write goes to the target while stale cache offsets stay clean; its cache copy may be cancelled",
	  "the colliding write waits until its offsets are idle and is then written to both devices"),
	Q(13, "A read-miss fill can overwrite newer data", true, true,
	  "the fill only checks that the block is still there and not cache-busy",
	  "a fill is cancelled if a write started on the cte (or the cte was replaced) since the read's lookup"),
	Q(14, "Read misses mark nothing busy; READ_BUSY reads race writes", true, true,
	  "reads of busy offsets go to the target at once (READ_BUSY), even before a pending secondary reached it",
	  "a read of busy offsets waits until they are idle, then is looked up again"),
	Q(15, "async_lookup in writethrough: no lookup, the worker oopses", true, true,
	  "WT async writes skip cte_match; the worker dereferences sio->cmd == NULL (seed-crash: counted, then continues); the cache is never updated",
	  "async_lookup writes are looked up in map like synchronous ones"),
	Q(16, "async_lookup in WB/RC: the secondary is queued before the lookup", true, true,
	  "the secondary is cloned and queued before cte_match; RC rejects it, WB may issue extra target writes",
	  "the secondary is cloned only after cte_match decided one is needed"),
	Q(17, "Worker branch priority and double queueing", true, true,
	  "a queued sio with a secondary is always treated as one (target write issued twice); pushing a queued sio corrupts the list (seed-crash: counted, no-op)",
	  "a secondary is issued once; a queued sio is never pushed again"),
	Q(18, "Flush does not flush, and leaks its sio", true, true,
	  "the worker completes the flush without device I/O; its sio is never freed",
	  "the flush waits for in-flight secondaries, is sent to both devices and completes when both finish"),
	Q(19, "Discards fail", true, true,
	  "discards return -EOPNOTSUPP: nothing is forwarded, cached copies stay",
	  "discards drop the cached copies of their offsets and are forwarded to the target"),
	Q(20, "Block sizes above 256 sectors overflow the 256-bit bitmaps", true, true,
	  "refused (exit 2); --bs-overflow emulate reproduces the overflow (bits into sio->error, WRITE_DONE, seed-crash beyond the sio)",
	  "bitmaps sized to the block size (up to 32768 sectors)"),
	Q(21, "Non-power-of-two block sizes", true, true,
	  "refused (exit 2); --odd-blocksize computes masks, hashes and dm's split boundaries literally",
	  "refused"),
	Q(22, "Caches smaller than 16 blocks", false, false,
	  "refused: the seed computes hash_bits = ULONG_MAX", "refused"),
	Q(23, "fls() takes a 32-bit int", true, true,
	  "num_cmd >= 2^31 (caches of 16 TiB x blocksize) gives a wrong hash_bits, as in the seed",
	  "64-bit fls"),
	Q(24, "No error recovery; errors after acknowledgement lose data", false, false,
	  "a failed cache read is returned to the user; a failed secondary only clears clean (only with I/O errors, which the device models do not inject)",
	  "no fix in this port"),
	Q(25, "Names that mislead", false, false,
	  "writeback keeps no dirty state; disable_writeback disables fills; count is not an access count",
	  "names kept"),
	Q(26, "assoc parsing and validation", false, true,
	  "%d into an unsigned: -1 becomes 4294967295; the range check is dead; values above 64 are refused here (a hang in the seed)",
	  "1 <= assoc <= min(64, number of cmds)"),
	Q(27, "blocksize parse errors are not fatal; a missing value crashes", false, false,
	  "refused (exit 2) in both modes: a bad or missing value, or blocksize 0 (the seed silently keeps 256)",
	  "refused"),
	Q(28, "options accepts at most 5 names; unknown names are ignored", false, true,
	  "at most 5 names; unknown names ignored with a warning",
	  "at most 8 names; unknown names refused"),
	Q(29, "strcat into an uninitialised buffer for the TABLE mode string", false, false,
	  "the mode word is printed alone (the seed's stack garbage is not reproducible)", "same"),
	Q(30, "The 'full' cte count assumes 256-sector blocks", false, true,
	  "cte N/... counts ctes with all 256 clean bits set: always 0 below 256 sectors",
	  "counts ctes whose first blocksize bits are clean"),
	Q(31, "Dead counters and fields", false, false,
	  "write_clean never counted; lookup_failed, lookup_busy, cache_overruns kept but not printed (shown in the summary and --json)",
	  "same"),
	Q(32, "sio allocation failure dereferences NULL", false, false,
	  "unreachable: allocation never fails", "same"),
	Q(33, "ti->begin is ignored", false, false, "the target starts at sector 0", "same"),
	Q(34, "A failed cte_new in sio_new_cache_write writes te[-1]", false, false,
	  "unreachable: no allocation fault injection in this port", "same"),
	Q(35, "A failed cte_new in cte_start/cancel_* is ignored", false, false,
	  "unreachable: no allocation fault injection in this port", "same"),
	Q(36, "Dead or ineffective checks", false, false,
	  "kept; they never fire (bio_cur_bytes tests after splitting, the cache bound in to_cache_sector)", "same"),
	Q(37, "WRITE_DONE completes a bio without I/O", true, false,
	  "reachable only through Q20 emulation; reproduced there", "unreachable once Q20 is fixed"),
	Q(38, "Module and target lifecycle", false, false,
	  "the host drains all I/O before teardown", "same"),
};

quirk_set quirks_all_fixes(void)
{
	quirk_set qs = 0;

	for (int n = 1; n <= QUIRK_MAX; n++)
		if (quirk_table[n].has_fix)
			qs |= (quirk_set)1 << n;
	return qs;
}

int quirks_parse_list(quirk_set *qs, const char *list, bool fix, char *err, size_t errlen)
{
	char buf[512];
	char *save = NULL;

	if (strlen(list) >= sizeof(buf)) {
		snprintf(err, errlen, "quirk list too long");
		return -EINVAL;
	}
	strcpy(buf, list);
	for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		char *end;
		long n;

		if (!strcasecmp(t, "all")) {
			*qs = fix ? (*qs | quirks_all_fixes()) : (*qs & ~quirks_all_fixes());
			continue;
		}
		n = strtol(t + ((t[0] == 'Q' || t[0] == 'q') ? 1 : 0), &end, 10);
		if (!isdigit((unsigned char)t[(t[0] == 'Q' || t[0] == 'q') ? 1 : 0]) || *end || n < 1 ||
		    n > QUIRK_MAX) {
			snprintf(err, errlen, "'%s': expected a quirk number Q1..Q%d", t, QUIRK_MAX);
			return -EINVAL;
		}
		if (!quirk_table[n].has_fix) {
			snprintf(err, errlen, "Q%ld (%s) has no fixed behaviour to toggle", n,
				 quirk_table[n].title);
			return -EINVAL;
		}
		if (fix)
			*qs |= (quirk_set)1 << n;
		else
			*qs &= ~((quirk_set)1 << n);
	}
	return 0;
}

void quirks_format(quirk_set qs, char *buf, size_t len)
{
	quirk_set all = quirks_all_fixes();
	quirk_set diff;
	const char *base;
	char sign;
	size_t n;

	if (__builtin_popcountll(qs) * 2 > __builtin_popcountll(all)) {
		base = "fixed";
		diff = all & ~qs;
		sign = '-';
	} else {
		base = "seed";
		diff = qs;
		sign = '+';
	}
	n = (size_t)snprintf(buf, len, "%s", base);
	for (int q = 1; q <= QUIRK_MAX && n < len; q++)
		if ((diff >> q) & 1) {
			n += (size_t)snprintf(buf + n, len - n, "%cQ%d", n == strlen(base) ? sign : ',', q);
		}
}
