# SPDX-License-Identifier: GPL-2.0
# reports.bash - helpers for the sweep_*.sh and report_*.sh end-to-end tests (sourced, not run).

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
