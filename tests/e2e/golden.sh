#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every golden case (tests/golden/*/*/) through `ssdcache-sim run`, byte for byte.
set -u
cd "$(dirname "$0")/../.."
out=${BUILD:-build}/golden-out
rm -rf "$out"
fail=0 n=0
for c in tests/golden/decisions/*/ tests/golden/coherency/*/; do
	n=$((n + 1))
	if bash tests/golden/run-case.sh "$PROG" "$c" "$out/$(basename "$c")"; then
		echo "ok   $(basename "$c")"
	else
		echo "FAIL $(basename "$c")"
		fail=1
	fi
done
echo "$n golden cases"
exit $fail
