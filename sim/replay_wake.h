/* SPDX-License-Identifier: GPL-2.0 */
/* replay_wake.h - how early the replay wakes before an arrival: the lateness quantile it tracks. */
#ifndef SSDCACHE_REPLAY_WAKE_H
#define SSDCACHE_REPLAY_WAKE_H

#include <stdint.h>

/*
 * Waiting for an arrival: a timed wait that ends `margin` before it, then polling. A wake-up is
 * late by the time the kernel takes to run the process again (the timer slack is set to 1 ns):
 * a few microseconds on an idle machine, hundreds on a loaded one, even SCHED_FIFO (a kernel
 * without full preemption runs the current task to its next preemption point first). So the
 * margin follows the RWAKE_Q quantile of the lateness of every timed wait that ran out, by
 * stochastic approximation: up by RWAKE_STEP_NS x RWAKE_Q after a wake-up later than the
 * margin, down by RWAKE_STEP_NS x (1 - RWAKE_Q) otherwise; it settles where a fraction 1 -
 * RWAKE_Q of the wake-ups are later than the margin. Bounded: polling is CPU that other
 * processes (and the kernel's RT throttling of --realtime) do not get.
 */
#define RWAKE_Q 0.995
#define RWAKE_STEP_NS 40000.0
#define RWAKE_MIN_NS 50000.0
#define RWAKE_MAX_NS 400000.0

/* The margin after a timed wait that woke late_ns after the time it asked for. */
double rwake_update(double margin_ns, uint64_t late_ns);

#endif
