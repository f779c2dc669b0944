#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every golden case (tests/golden/*/*/) through `ssdcache-sim run`, byte for byte.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib/common.sh
e2e_cases "${BUILD:-build}/golden-out" tests/golden/decisions/*/ tests/golden/coherency/*/
echo "$n golden cases"
exit $fail
