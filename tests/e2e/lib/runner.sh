#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# runner.sh - run the test programs for `make unit`, `make e2e` and `make test`, and count
# what passed, failed and was skipped. POSIX sh; one concern: the counting.
#
#   runner.sh unit COUNTS BIN...     cmocka binaries: counts every test case
#   runner.sh e2e COUNTS LOGDIR SCRIPT...   bash scripts: 0 passed, 77 skipped, else failed
#   runner.sh summary ALLOW_SKIP COUNTS...  add up, print "N passed, N failed, N skipped" last
#
# COUNTS is a file of one line "passed failed skipped", written by unit/e2e (which exit 1 when
# anything failed). An e2e script that cannot run here (a missing tool) prints why and exits 77
# (automake's convention); a cmocka test calls skip(). summary exits 1 if anything failed, a
# COUNTS file is missing (its step did not finish), or anything was skipped with ALLOW_SKIP=0:
# CI installs every dependency, so a skip there is a broken install, not a pass.
# e2e scripts get PROG and BUILD from the environment (the Makefile exports them).
set -u

cmd=$1
shift

case $cmd in
unit)
	counts=$1
	shift
	p=0 f=0 s=0
	for t in "$@"; do
		log=$t.log
		rc=0
		"$t" >"$log" 2>&1 || rc=$?
		tp=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\.$/\1/p' "$log" | tail -n 1)
		tf=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:$/\1/p' "$log" | tail -n 1)
		ts=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test(s), listed below:$/\1/p' "$log" | tail -n 1)
		tp=${tp:-0} tf=${tf:-0} ts=${ts:-0}
		# A crash or an exit without cmocka's verdict is one more failure.
		if [ "$rc" != 0 ] && [ "$tf" = 0 ]; then
			tf=1
		fi
		if [ "$tf" != 0 ]; then
			echo "FAIL $t ($tp passed, $tf failed, $ts skipped; see $log)"
			tail -n 30 "$log"
		elif [ "$ts" != 0 ]; then
			echo "SKIP $t ($tp passed, $ts skipped: $(grep -m 1 '^\[  SKIP' "$log" | sed 's/^\[  SKIP[^]]*\] *//'))"
		else
			echo "ok   $t ($tp tests)"
		fi
		p=$((p + tp)) f=$((f + tf)) s=$((s + ts))
	done
	echo "$p $f $s" >"$counts"
	[ "$f" = 0 ]
	;;
e2e)
	counts=$1 logdir=$2
	shift 2
	p=0 f=0 s=0
	for t in "$@"; do
		log=$logdir/$(basename "$t").log
		rc=0
		bash "$t" >"$log" 2>&1 || rc=$?
		case $rc in
		0)
			echo "ok   $t"
			p=$((p + 1))
			;;
		77)
			echo "SKIP $t: $(grep -v '^[[:space:]]*$' "$log" | tail -n 1)"
			s=$((s + 1))
			;;
		*)
			echo "FAIL $t (exit $rc; see $log)"
			tail -n 30 "$log"
			f=$((f + 1))
			;;
		esac
	done
	echo "$p $f $s" >"$counts"
	[ "$f" = 0 ]
	;;
summary)
	allow_skip=$1
	shift
	p=0 f=0 s=0 missing=""
	for c in "$@"; do
		if [ -r "$c" ] && read -r cp cf cs <"$c"; then
			p=$((p + cp)) f=$((f + cf)) s=$((s + cs))
		else
			missing="$missing $c"
		fi
	done
	rc=0
	if [ -n "$missing" ]; then
		echo "FAIL: no counts in$missing (that step did not finish)"
		rc=1
	fi
	if [ "$f" != 0 ]; then
		rc=1
	fi
	if [ "$s" != 0 ] && [ "$allow_skip" = 0 ]; then
		echo "FAIL: $s tests skipped with ALLOW_SKIP=0 (CI): a dependency is missing; run scripts/install-deps"
		rc=1
	fi
	if [ "$rc" = 0 ] && [ "$s" = 0 ]; then
		echo "all tests passed"
	elif [ "$rc" = 0 ]; then
		echo "no test failed, but $s skipped (the SKIP lines above say why)"
	fi
	# The last line, alone and always in this form: CI log parsers read it.
	echo "$p passed, $f failed, $s skipped"
	exit "$rc"
	;;
*)
	echo "runner.sh: unknown command '$cmd' (unit, e2e or summary)" >&2
	exit 2
	;;
esac
