# SPDX-License-Identifier: GPL-2.0
# ssdcache-sim: one non-recursive Makefile, out-of-tree build directory.
#
#   make            build build/ssdcache-sim
#   make test       unit (cmocka) + end-to-end tests; ALLOW_SKIP=0 (CI=true) fails on a skip
#   make asan       the whole suite under AddressSanitizer + UBSan (build-asan/)
#   make bench      benchmarks (figures go to BENCHMARKS.md by hand)
#   make validate DISKSIM_VALID=DIR   the hdd model against DiskSim's measured drives (not in test)
#   make demo       run the bundled capture, a small sweep and the report
#   make fuzz       libFuzzer harnesses for the trace readers (clang)
#   make install PREFIX=/usr/local   (program, man pages, bash completion, data, docs)
#   make man        the man pages and the bash completion into build/man/
#   V=1             show full commands
#   LTO=            no link-time optimisation (the default with gcc: -flto=auto)

BUILD   ?= build
PREFIX  ?= /usr/local
CC      ?= cc
PKGS    := gsl sqlite3 liburing blkid
TESTPKG := cmocka

ifeq ($(V),1)
Q :=
else
Q := @
endif

# ---- dependencies: ask pkg-config; if it cannot find them, run install-deps once ----
NODEPS_GOALS := clean help distclean
ifeq ($(filter-out $(NODEPS_GOALS),$(or $(MAKECMDGOALS),all)),)
else
DEPS_MISSING := $(shell pkg-config --exists $(PKGS) $(TESTPKG) || echo yes)
ifeq ($(DEPS_MISSING),yes)
$(info pkg-config cannot find one of: $(PKGS) $(TESTPKG); running scripts/install-deps)
DEPS_RC := $(shell scripts/install-deps 1>&2; echo $$?)
ifneq ($(shell pkg-config --exists $(PKGS) $(TESTPKG) && echo ok),ok)
$(error missing libraries: $(foreach p,$(PKGS) $(TESTPKG),$(if $(shell pkg-config --exists $(p) && echo y),,$(p))); run scripts/install-deps as root)
endif
endif
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_CFLAGS := $(shell pkg-config --cflags $(TESTPKG) 2>/dev/null)
TEST_LIBS   := $(shell pkg-config --libs $(TESTPKG) 2>/dev/null)

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wno-format-nonliteral -Werror
OPT     ?= -O2 -g
# Link-time optimisation of the program: the hot path crosses files (the dm core, the engine,
# the event queue, the device models), and inlining across them saved 3 % of the instructions
# per request (BENCHMARKS.md). The objects are fat, so the tests link them without it (fast), and
# `make LTO=` builds without it altogether. gcc's flags (clang has no fat LTO objects before 18).
CC_IS_CLANG := $(shell echo | $(CC) -dM -E - 2>/dev/null | grep -c __clang__)
LTO     ?= $(if $(filter 0,$(CC_IS_CLANG)),-flto=auto -ffat-lto-objects)
CFLAGS  ?=
CPPFLAGS_ALL := -D_GNU_SOURCE -I. $(PKG_CFLAGS)
CFLAGS_ALL   := -std=c11 $(OPT) $(WARN) -MMD -MP $(CFLAGS)
LDLIBS_ALL   := $(PKG_LIBS) -lm -lpthread

ifeq ($(SANITIZE),1)
CFLAGS_ALL  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS     += -fsanitize=address,undefined
LTO         :=
endif
CFLAGS_ALL   += $(LTO)
PROG_LDFLAGS := $(if $(LTO),$(OPT) $(LTO))
TEST_LDFLAGS := $(if $(LTO),-fno-lto)

VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
CPPFLAGS_ALL += -DSSDCACHE_SIM_VERSION='"$(VERSION)"'

# ---- sources: by wildcard, one module per folder ----
# sim/base/ is the ground floor (units, option tables: libc only) every room may use; sim/cli/
# (argument parsing, --help, text and JSON output) is linked into the program only, so no
# library code can depend on the command line.
LIB_SRCS  := $(wildcard sim/base/*.c engine/*.c policies/*.c traces/*.c reports/*.c sim/*.c)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CLI_SRCS  := $(wildcard sim/cli/*.c)
CLI_OBJS  := $(CLI_SRCS:%.c=$(BUILD)/%.o)
LIB       := $(BUILD)/libssdcache.a
PROG      := $(BUILD)/ssdcache-sim

TEST_SRCS := $(wildcard tests/*/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
TEST_HELPER_SRCS := $(wildcard tests/lib/*.c)
TEST_HELPER_OBJS := $(TEST_HELPER_SRCS:%.c=$(BUILD)/%.o)
E2E_TESTS := $(sort $(wildcard tests/e2e/*.sh))

.PHONY: all test unit e2e asan bench demo fuzz fuzz-smoke install man clean help validate
.SECONDARY:
all: $(PROG)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS_ALL) $(TEST_CFLAGS) $(CFLAGS_ALL) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && $(if $(LTO),gcc-ar,ar) rcs $@ $^

$(PROG): $(CLI_OBJS) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) $(PROG_LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(TEST_HELPER_OBJS) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) $(TEST_LDFLAGS) -o $@ $^ $(TEST_LIBS) $(LDLIBS_ALL)
# the device counters' test prints through the CLI's summary and --json
$(BUILD)/tests/sim/test_dev_counters: $(BUILD)/sim/cli/summary.o
$(BUILD)/tests/sim/test_dev_counters: TEST_LIBS += $(LIB)

# Unit tests run from the top directory (they read tests/golden/ and data/). The runner counts
# passed, failed and skipped tests (an e2e script skips with exit 77); `make test` ends with the
# line "N passed, N failed, N skipped". ALLOW_SKIP=0 (the default when CI=true) fails on a skip.
RUNNER     := tests/e2e/lib/runner.sh
ALLOW_SKIP ?= $(if $(filter true,$(CI)),0,1)

unit: $(TEST_BINS)
	$(Q)$(RUNNER) unit $(BUILD)/unit.counts $(TEST_BINS)

e2e: $(PROG)
	$(Q)PROG=$(abspath $(PROG)) BUILD=$(abspath $(BUILD)) $(RUNNER) e2e $(BUILD)/e2e.counts $(BUILD) $(E2E_TESTS)

test: $(PROG) $(TEST_BINS)
	$(Q)rm -f $(BUILD)/unit.counts $(BUILD)/e2e.counts
	$(Q)$(MAKE) --no-print-directory unit || true
	$(Q)$(MAKE) --no-print-directory e2e || true
	$(Q)$(RUNNER) summary $(ALLOW_SKIP) $(BUILD)/unit.counts $(BUILD)/e2e.counts

asan:
	$(Q)$(MAKE) --no-print-directory BUILD=build-asan SANITIZE=1 OPT="-O1 -g" test

bench: $(PROG)
	$(Q)scripts/bench $(PROG)

# DIR: a DiskSim valid/ folder (drives with X.parv and X.trace); see docs/devices.md.
validate: $(PROG)
	$(Q)test -n "$(DISKSIM_VALID)" || { echo "usage: make validate DISKSIM_VALID=DIR"; exit 2; }
	$(Q)scripts/validate-disksim "$(DISKSIM_VALID)" $(PROG)

demo: $(PROG)
	$(Q)scripts/demo $(PROG)

FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=build-fuzz/%)
# The harnesses read traces only: the traces room and the base it stands on (layering.sh).
FUZZ_LIB_SRCS := $(wildcard sim/base/*.c traces/*.c)
build-fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_SRCS)
	@mkdir -p build-fuzz
	$(Q)clang -std=c11 -g -O1 -D_GNU_SOURCE -I. $(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined \
	  -o $@ $< $(FUZZ_LIB_SRCS) $(PKG_LIBS) -lm -lpthread
fuzz: $(FUZZ_BINS)
	$(Q)scripts/fuzz $(or $(FUZZ_SECONDS),600) $(FUZZ_BINS)
fuzz-smoke: $(FUZZ_BINS)
	$(Q)scripts/fuzz $(or $(FUZZ_SECONDS),20) $(FUZZ_BINS)

# Man pages and bash completion: written by the program from its option table (sim/cli/cli_help.c).
MAN_DIR := $(BUILD)/man
man: $(PROG)
	$(Q)rm -rf $(MAN_DIR) && mkdir -p $(MAN_DIR)
	$(Q)for p in $$($(PROG) help --man-pages); do \
	  case $$p in ssdcache-sim) f=ssdcache-sim.1 ;; *) f=ssdcache-sim-$$p.1 ;; esac; \
	  $(PROG) help --man $$p >$(MAN_DIR)/$$f || exit 1; done
	$(Q)$(PROG) help --completion bash >$(MAN_DIR)/ssdcache-sim.bash

install: $(PROG) man
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/ssdcache-sim $(DESTDIR)$(PREFIX)/share/doc/ssdcache-sim
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 755 $(PROG) $(DESTDIR)$(PREFIX)/bin/ssdcache-sim
	install -m 644 $(MAN_DIR)/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 $(MAN_DIR)/ssdcache-sim.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/ssdcache-sim
	cp -r data/traces $(DESTDIR)$(PREFIX)/share/ssdcache-sim/
	install -m 644 README.md BENCHMARKS.md LICENSE docs/*.md $(DESTDIR)$(PREFIX)/share/doc/ssdcache-sim/

clean:
	rm -rf $(BUILD) build-asan build-fuzz

help:
	@sed -n '2,14p' Makefile

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
