#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Decision logs derived by hand from the seed (tests/handlog/*/DERIVATION.md), through the CLI.
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib/common.sh
e2e_cases "${BUILD:-build}/handlog-out" tests/handlog/*/
exit $fail
