// SPDX-License-Identifier: GPL-2.0
/* test_dev_conformance.c - every registered device model held to the sim/device.h contract. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/sim/dev_harness.h"
#include "tests/lib/test_main.h"

/*
 * For each model in dev_registry: the ops table is complete (ABI, name, help, ordering, every
 * option documented, a size option), the defaults and every preset create a device of the
 * advertised size, a bad option is refused with "did you mean", and a random mix of reads,
 * writes, flushes and discards at several depths completes every command exactly once, at or
 * after its submission, at the time the model named.
 */

static void test_ops_tables(void **state)
{
	(void)state;
	assert_non_null(dev_registry[0]);
	for (int i = 0; dev_registry[i]; i++) {
		const struct dev_ops *o = dev_registry[i];
		bool has_size = false;
		print_message("%s\n", o->name);
		assert_int_equal(o->abi, DEV_ABI);
		assert_non_null(o->name);
		assert_true(o->help && *o->help);
		assert_true(o->ordering && *o->ordering);
		assert_non_null(o->init);
		assert_non_null(o->submit);
		assert_true(o->priv_size > 0);
		assert_ptr_equal(dev_find(o->name), o);
		for (const struct opt *op = o->opts; op && op->name; op++) {
			if (!op->help || !*op->help)
				fail_msg("%s: option %s has no help", o->name, op->name);
			if (!strcmp(op->name, "size"))
				has_size = true;
		}
		if (!has_size)
			fail_msg("%s has no size option", o->name);
		if (o->default_preset) {
			bool found = false;
			for (const struct dev_preset *p = o->presets; p && p->name; p++)
				found |= !strcmp(p->name, o->default_preset);
			if (!found)
				fail_msg("%s: default preset %s is not in its table", o->name, o->default_preset);
		}
		for (const struct dev_preset *p = o->presets; p && p->name; p++)
			if (!p->description || !*p->description || !p->source || !*p->source)
				fail_msg("%s: preset %s lacks a description or a source", o->name, p->name);
	}
}

static void test_defaults_and_presets_create(void **state)
{
	(void)state;
	for (int i = 0; dev_registry[i]; i++) {
		const struct dev_ops *o = dev_registry[i];
		struct harness h;
		char spec[128];

		if (h_init(&h, o->name, 1))
			fail_msg("%s: defaults do not create: %s", o->name, h.why);
		assert_true(h.d->size_bytes > 0);
		h_fini(&h);
		for (const struct dev_preset *p = o->presets; p && p->name; p++) {
			snprintf(spec, sizeof(spec), "%s:preset=%s", o->name, p->name);
			if (h_init(&h, spec, 1))
				fail_msg("%s: %s", spec, h.why);
			assert_string_equal(h.d->preset, p->name);
			assert_true(h.d->size_bytes > 0);
			h_fini(&h);
		}
		/* the size option is honoured */
		snprintf(spec, sizeof(spec), "%s:size=256M", o->name);
		if (h_init(&h, spec, 1))
			fail_msg("%s: %s", spec, h.why);
		assert_true(h.d->size_bytes <= 256ULL << 20 && h.d->size_bytes >= 255ULL << 20);
		h_fini(&h);
		/* a misspelt option is refused with a suggestion */
		snprintf(spec, sizeof(spec), "%s:sizee=1G", o->name);
		assert_int_not_equal(h_init(&h, spec, 1), 0);
		assert_non_null(strstr(h.why, "did you mean 'size'"));
		h_fini(&h);
		/* an unknown preset names the known ones */
		if (o->presets && o->presets[0].name) {
			snprintf(spec, sizeof(spec), "%s:preset=nosuch", o->name);
			assert_int_not_equal(h_init(&h, spec, 1), 0);
			assert_non_null(strstr(h.why, o->presets[0].name));
			h_fini(&h);
		}
	}
}

static void gen_mix(struct harness *h, struct dev_io *io)
{
	uint64_t r = h_rand(h);
	unsigned kind = r % 100;

	io->op = kind < 50 ? DEV_READ : kind < 92 ? DEV_WRITE : kind < 96 ? DEV_FLUSH : DEV_DISCARD;
	if (io->op == DEV_FLUSH)
		return;
	io->nsect = 8u << (r >> 8) % 6;           /* 4 KiB .. 128 KiB */
	if ((r >> 16) % 4 == 0)
		io->nsect = 1 + (uint32_t)((r >> 20) % 64); /* odd sizes and offsets too */
	uint64_t span = h->span_sect - io->nsect;
	io->sector = (r >> 24) % 3 ? (h_rand(h) % span) : (h->cursor % span);
	h->cursor += io->nsect;
}

static void run_mix(const char *spec, unsigned qd, uint64_t count)
{
	struct harness h;
	struct dev_stats st;

	if (h_init(&h, spec, qd))
		fail_msg("%s: %s", spec, h.why);
	h.span_sect = h.d->size_bytes / 512;
	h_run(&h, gen_mix, qd, count);
	if (h.violations)
		fail_msg("%s qd %u: %u contract violations, first: %s", spec, qd, h.violations, h.why);
	assert_int_equal(h.done, count);
	dev_get_stats(h.d, h.q.now_ns, &st);
	assert_int_equal(st.nr_reads + st.nr_writes + st.nr_other, count);
	assert_true(st.busy_ns <= h.q.now_ns);
	assert_true(st.mean_queue_depth <= qd + 1e-9);
	h_fini(&h);
}

static void test_every_command_completes_once(void **state)
{
	static const unsigned depths[] = {1, 4, 32};
	(void)state;
	for (int i = 0; dev_registry[i]; i++) {
		const struct dev_ops *o = dev_registry[i];
		char spec[160];
		for (unsigned k = 0; k < sizeof(depths) / sizeof(depths[0]); k++) {
			/* the defaults, at a size that keeps the test fast */
			snprintf(spec, sizeof(spec), "%s:size=1G", o->name);
			run_mix(spec, depths[k], 3000);
			for (const struct dev_preset *p = o->presets; p && p->name; p++) {
				snprintf(spec, sizeof(spec), "%s:preset=%s,size=1G", o->name, p->name);
				run_mix(spec, depths[k], 3000);
			}
		}
		print_message("%s: ok\n", o->name);
	}
}

/* Model-specific option combinations that change code paths. */
static void test_variants(void **state)
{
	static const char *const specs[] = {
		"hdd:size=1G,sched=fifo",     "hdd:size=1G,sched=sstf",   "hdd:size=1G,sched=elevator",
		"hdd:size=1G,starve=50ms",    "hdd:size=1G,write_cache=0", "hdd:size=1G,readahead=0",
		"hdd:size=1G,queue_depth=1",  "hdd:size=1G,zones=1",       "hdd:size=1G,cache_size=0",
		"ssd:size=1G,buffer=0",       "ssd:size=1G,page_size=16K,buffer=0",
		"ssd:size=1G,page_size=16K,buffer=64K", "ssd:size=256M,op=0.03",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		run_mix(specs[i], 8, 4000);
		run_mix(specs[i], 1, 1000);
	}
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_ops_tables),
	  cmocka_unit_test(test_defaults_and_presets_create),
	  cmocka_unit_test(test_every_command_completes_once), cmocka_unit_test(test_variants))
