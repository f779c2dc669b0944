# SPDX-License-Identifier: GPL-2.0
# reports.bash - helpers for the sweep_*.sh, report_*.sh and db_*.sh end-to-end tests (sourced,
# not run). They stop at the first failure (rep_die); the shared verdict helpers (ok, bad, expect,
# has, ...) come from common.sh, sourced here.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The repository's top directory (this file is tests/e2e/lib/reports.bash).
REP_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)

# A synthetic blkparse trace: N requests 1 ms apart, 70% reads of 4 KiB, addresses skewed to a
# hot region so caches of different shapes hit differently. Deterministic for one awk.
rep_make_trace() { # FILE N [SPAN_SECTORS]
	awk -v n="$2" -v span="${3:-2000000}" 'BEGIN {
		srand(7);
		for (i = 0; i < n; i++) {
			t = i * 0.001 + 0.000000001;
			r = rand();
			blk = int(r * r * r * span / 8) * 8;
			op = (rand() < 0.7) ? "R" : "W";
			printf "  8,0    0 %8d %14.9f  1000  Q   %s %d + 8 [fio]\n", i + 1, t, op, blk;
		}
	}' > "$1"
}

# Fail with a message.
rep_die() {
	echo "FAIL: $*" >&2
	exit 1
}

# sqlite3 query -> stdout (the test's judge, independent of the program under test).
# A failing query ends the whole test (also from inside $(...), where exit would only end the
# subshell), so an empty answer never passes for a right one.
rep_q() { # DB SQL
	sqlite3 -batch -noheader "$1" "$2" || {
		echo "FAIL: sqlite3 $1: $2" >&2
		kill -TERM $$
		exit 1
	}
}

# rep_workdir: a fresh directory in $W, made the current one, removed when the script exits. A
# script that needs more cleanup sets its own EXIT trap afterwards (and removes $W there).
rep_workdir() {
	W=$(mktemp -d)
	trap 'rm -rf "$W"' EXIT
	cd "$W" || rep_die "cd $W"
}

# rep_small_trace: $TRACE, the bundled oltp_small blkparse capture (absolute path); dies if absent.
rep_small_trace() {
	TRACE=$REP_TOP/data/traces/oltp_small/oltp_small.blkparse.txt
	[ -f "$TRACE" ] || rep_die "missing $TRACE"
}

# rep_expect STATUS PATTERN CMD...: run CMD (stdout in cmd.out, stderr in cmd.err, in the current
# directory); die unless it exits with STATUS and the grep pattern PATTERN matches its stdout or
# stderr. rep_expect_err: the same, with PATTERN looked for in stderr alone.
rep_expect() {
	local want=$1 pat=$2 rc=0
	shift 2
	"$@" >cmd.out 2>cmd.err || rc=$?
	[ "$rc" = "$want" ] || { cat cmd.err; rep_die "$*: exit $rc, expected $want"; }
	grep -q -- "$pat" cmd.out cmd.err || { cat cmd.out cmd.err; rep_die "$*: no '$pat'"; }
}
rep_expect_err() {
	local want=$1 pat=$2 rc=0
	shift 2
	"$@" >cmd.out 2>cmd.err || rc=$?
	[ "$rc" = "$want" ] || { cat cmd.err; rep_die "$*: exit $rc, expected $want"; }
	grep -q -- "$pat" cmd.err || { cat cmd.err; rep_die "$*: stderr lacks '$pat'"; }
}
