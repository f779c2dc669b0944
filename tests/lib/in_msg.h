/* SPDX-License-Identifier: GPL-2.0 */
/* in_msg.h - the row of the commonest test table: a bad input and a text its message must hold. */
#ifndef SSDCACHE_IN_MSG_H
#define SSDCACHE_IN_MSG_H

/* static const struct in_msg bad[] = {{"blocksize 0", "out of range"}, ...}: one named row type
 * instead of an anonymous struct declared again above every such table. */
struct in_msg {
	const char *in;  /* the input: a table line, an option value, a --csv map... */
	const char *msg; /* a text the error message must contain */
};

#endif
