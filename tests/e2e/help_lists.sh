#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# help_lists.sh - the top-level and command --help texts name every subcommand there is.
set -u
: "${PROG:?set PROG to the ssdcache-sim binary}"
fail=0
check() { # check WHAT WORD... : each WORD appears in the output of the command WHAT
	local what=$1 out
	shift
	out=$($what --help 2>&1) || { echo "FAIL: $what --help exited non-zero"; fail=1; return; }
	for w in "$@"; do
		if grep -qw -- "$w" <<<"$out"; then echo "ok: $what --help names $w"
		else echo "FAIL: $what --help does not name $w"; fail=1; fi
	done
}
check "$PROG" run replay capture trace models quirks sweep report db mrc diff calibrate import
check "$PROG trace" gen stats convert dump mrc
check "$PROG models" probe replay import calibrate
check "$PROG db" merge info upgrade diff
exit $fail
