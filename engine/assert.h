/* SPDX-License-Identifier: GPL-2.0 */
/*
 * assert.h - always-on assertions. A failed one is a bug of the simulator, never bad input (bad
 * input gets a located message and exit status 1). It prints
 *     internal error at FILE:LINE: COND (please report)
 * on stderr and exits with status SSDCACHE_EXIT_INTERNAL (3), never by a signal: a user sees a
 * documented status, a sweep records the run as failed with that line and goes on.
 *
 * The engine has no recovery path, so there is nothing to unwind: the function flushes stdio
 * and ends the process. No global state: no hook, no handler. A results database open at the
 * time is safe without one: SQLite writes through its WAL, so an uncommitted transaction is
 * rolled back when the database is next opened; nothing committed is lost.
 */
#ifndef SSDCACHE_ASSERT_H
#define SSDCACHE_ASSERT_H

/* The exit status of an internal error (0 ok, 1 runtime, 2 usage, 130 interrupted). */
#define SSDCACHE_EXIT_INTERNAL 3

/* Print "internal error at file:line: cond (please report)" and _exit(3) after flushing stdio.
 * _exit, not exit: atexit handlers of a forked sweep worker are the parent's, not its own. */
_Noreturn void ssdcache_internal_error(const char *file, int line, const char *cond);

/* Out of memory where there is no way to give up cleanly (deep in the event loop): print
 * "ssdcache-sim: out of memory for WHAT" and _exit(1), a runtime error, not a bug. */
_Noreturn void ssdcache_out_of_memory(const char *what);

#define ASSERT(cond)                                                                               \
	do {                                                                                       \
		if (!(cond))                                                                       \
			ssdcache_internal_error(__FILE__, __LINE__, #cond);                        \
	} while (0)

#endif
