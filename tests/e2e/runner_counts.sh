#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# runner_counts.sh - the test runner behind `make unit/e2e/test` counts what it ran: a skip
# (e2e exit 77, cmocka skip()) is a skip, not a pass; the last line is "N passed, N failed,
# N skipped"; ALLOW_SKIP=0 (CI) turns a skip into a failed run.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/reports.bash"
RUNNER=$HERE/lib/runner.sh

rep_workdir

# Dummy e2e scripts: one passes, one skips as ours do, one fails.
printf 'echo ok\n' >pass.sh
printf 'echo "SKIP: no frobnicator here"\nexit 77\n' >skip.sh
printf 'echo "FAIL: wrong"\nexit 1\n' >fail.sh
# Dummy cmocka binaries: cmocka 1.1's own verdict lines (copied from a real run).
cat >u_ok <<'U'
#!/bin/sh
printf '[==========] 2 test(s) run.\n[  PASSED  ] 2 test(s).\n'
U
cat >u_skip <<'U'
#!/bin/sh
printf '[  SKIP    ] gnuplot not installed\n[==========] 3 test(s) run.\n[  PASSED  ] 2 test(s).\n'
printf '[  SKIPPED ] 1 test(s), listed below:\n[  SKIPPED ] test_figures\n\n 1 SKIPPED TEST(S)\n'
U
cat >u_fail <<'U'
#!/bin/sh
printf '[==========] 3 test(s) run.\n[  PASSED  ] 1 test(s).\n[  SKIPPED ] 1 test(s), listed below:\n'
printf '[  SKIPPED ] b\n\n 1 SKIPPED TEST(S)\n[  FAILED  ] 1 test(s), listed below:\n[  FAILED  ] c\n'
exit 1
U
cat >u_crash <<'U'
#!/bin/sh
printf '[==========] Running 4 test(s).\n[ RUN      ] a\n'
kill -SEGV $$
U
chmod +x u_ok u_skip u_fail u_crash

last() { tail -n 1 "$1"; }
run() { # EXPECTED-STATUS OUT CMD...
	local want=$1 out=$2 rc=0
	shift 2
	"$@" >"$out" 2>&1 || rc=$?
	[ "$rc" = "$want" ] || { cat "$out"; rep_die "$*: exit $rc, expected $want"; }
}

# e2e: pass + skip
run 0 e1.out "$RUNNER" e2e e1.counts . pass.sh skip.sh
[ "$(cat e1.counts)" = "1 0 1" ] || rep_die "e2e counts '$(cat e1.counts)'"
grep -q "^SKIP skip.sh: SKIP: no frobnicator here$" e1.out || { cat e1.out; rep_die "e2e: SKIP line"; }
grep -q "^ok   pass.sh$" e1.out || rep_die "e2e: ok line"
# unit: ok + skip
run 0 u1.out "$RUNNER" unit u1.counts ./u_ok ./u_skip
[ "$(cat u1.counts)" = "4 0 1" ] || rep_die "unit counts '$(cat u1.counts)'"
grep -q "^SKIP ./u_skip (2 passed, 1 skipped: gnuplot not installed)$" u1.out || { cat u1.out; rep_die "unit: SKIP line"; }
# summary: skips allowed (a developer's machine), then refused (CI)
run 0 s1.out "$RUNNER" summary 1 u1.counts e1.counts
[ "$(last s1.out)" = "5 passed, 0 failed, 2 skipped" ] || { cat s1.out; rep_die "summary line"; }
grep -q "all tests passed" s1.out && rep_die "'all tests passed' with skips"
run 1 s2.out "$RUNNER" summary 0 u1.counts e1.counts
[ "$(last s2.out)" = "5 passed, 0 failed, 2 skipped" ] || { cat s2.out; rep_die "summary line (ALLOW_SKIP=0)"; }
grep -q "2 tests skipped with ALLOW_SKIP=0" s2.out || rep_die "ALLOW_SKIP=0: no reason given"

# failures: a failing script, a failing and a crashing cmocka binary
run 1 e2.out "$RUNNER" e2e e2.counts . pass.sh fail.sh skip.sh
[ "$(cat e2.counts)" = "1 1 1" ] || rep_die "e2e counts with a failure '$(cat e2.counts)'"
grep -q "^FAIL fail.sh (exit 1" e2.out || rep_die "e2e: FAIL line"
run 1 u2.out "$RUNNER" unit u2.counts ./u_ok ./u_fail ./u_crash
[ "$(cat u2.counts)" = "3 2 1" ] || rep_die "unit counts with failures '$(cat u2.counts)'"
grep -q "^FAIL ./u_crash (0 passed, 1 failed" u2.out || { cat u2.out; rep_die "unit: a crash is not a failure"; }
run 1 s3.out "$RUNNER" summary 1 u2.counts e2.counts
[ "$(last s3.out)" = "4 passed, 3 failed, 2 skipped" ] || { cat s3.out; rep_die "summary with failures"; }

# all passed: both lines, the count last
run 0 e3.out "$RUNNER" e2e e3.counts . pass.sh
run 0 s4.out "$RUNNER" summary 0 e3.counts
[ "$(cat s4.out)" = "$(printf 'all tests passed\n1 passed, 0 failed, 0 skipped')" ] || { cat s4.out; rep_die "all passed"; }
# a step that did not finish (no counts) is a failure, not zero tests
run 1 s5.out "$RUNNER" summary 1 e3.counts missing.counts
[ "$(last s5.out)" = "1 passed, 0 failed, 0 skipped" ] || rep_die "summary with a missing step"
grep -q "no counts in missing.counts" s5.out || rep_die "missing step not named"

# The Makefile uses this runner, and ALLOW_SKIP follows CI=true.
ROOT=$(cd "$HERE/../.." && pwd)
grep -q '^RUNNER *:= tests/e2e/lib/runner.sh' "$ROOT/Makefile" || rep_die "the Makefile does not use the runner"
[ "$(env -u MAKEFLAGS -u MAKELEVEL -u ALLOW_SKIP CI=true make -s --no-print-directory -C "$ROOT" -f Makefile -f - print-allow-skip <<<'print-allow-skip: ; @echo $(ALLOW_SKIP)')" = 0 ] ||
	rep_die "CI=true does not set ALLOW_SKIP=0"
[ "$(env -u MAKEFLAGS -u MAKELEVEL -u ALLOW_SKIP -u CI make -s --no-print-directory -C "$ROOT" -f Makefile -f - print-allow-skip <<<'print-allow-skip: ; @echo $(ALLOW_SKIP)')" = 1 ] ||
	rep_die "ALLOW_SKIP is not 1 by default"
echo "ok"
