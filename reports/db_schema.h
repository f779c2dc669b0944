/* SPDX-License-Identifier: GPL-2.0 */
/* db_schema.h - internal to reports/: the schema's migration steps and the stored names of enums. */
#ifndef SSDCACHE_REP_DB_SCHEMA_H
#define SSDCACHE_REP_DB_SCHEMA_H

#include <stddef.h>

#include "sim/sim.h"

/*
 * rep_migrations[v - 1] takes a file from schema v - 1 to v (v = 1 creates the tables).
 * Steps are appended, never edited: a file written by an older program must migrate to the
 * same schema as a new file (tests/reports/test_db_schema.c checks that).
 */
extern const char *const rep_migrations[];
extern const size_t rep_nr_migrations;

/*
 * Names stored in the database for the simulator's enums. They are fixed here, not borrowed
 * from the modules' *_name() functions, because stored data must not change when a module
 * renames something; db.c asserts at compile time that the tables cover every value.
 */
extern const char *const rep_class_names[SIM_CLASS_NR];
extern const char *const rep_op_names[SIM_OP_NR];
extern const char *const rep_miss_names[MISS_NR];
extern const char *const rep_outcome_names[SSD_OUT_NR];
extern const char *const rep_mode_names[3];

/* Apply migrations from version `from` to `to` on an open connection inside the caller's
 * transaction (tests use it to build an old file). Returns an SQLite result code. */
struct sqlite3;
int rep_schema_migrate(struct sqlite3 *db, int from, int to, char **errmsg);

#endif
