#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Decision logs derived by hand from the seed (tests/handlog/*/DERIVATION.md), through the CLI.
set -u
cd "$(dirname "$0")/../.."
out=${BUILD:-build}/handlog-out
rm -rf "$out"
fail=0
for c in tests/handlog/*/; do
	if bash tests/golden/run-case.sh "$PROG" "$c" "$out/$(basename "$c")"; then
		echo "ok   $(basename "$c")"
	else
		echo "FAIL $(basename "$c")"
		fail=1
	fi
done
exit $fail
