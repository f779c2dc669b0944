/* SPDX-License-Identifier: GPL-2.0 */
/* sct.h - the .sct reader's record decoder, for the reader core's direct call. */
#ifndef SSDCACHE_SCT_H
#define SSDCACHE_SCT_H

#include "traces/trc_internal.h"

/* trc_fmt_sct.next: the next record of an .sct. The core calls it by name when the trace is an
 * .sct (once per record: a direct call the link-time optimiser can inline, where the format's
 * pointer was an indirect call and a second frame). */
enum trc_status sct_next(struct trc *t, struct trc_rec *rec);

#endif
