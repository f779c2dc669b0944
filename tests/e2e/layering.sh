#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# layering.sh - the rooms of the tree include one another in one direction only (docs/contributing.md):
#   sim/base/            libc only: the ground floor every room may use
#   engine/, policies/   each other and sim/base/ (the engine reaches its host through engine.h)
#   traces/              itself and sim/base/
#   reports/             sim/ result types (sim/*.h, sim/base/), never traces/, engine/ or policies/
#   sim/cli/             the only place that parses the command line (argc/argv, getopt)
set -u
. "$(dirname "$0")/lib/common.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1

# includes FILE... : the project headers the files include ("dir/name.h")
includes() { grep -h -o '^#include "[^"]*"' "$@" 2>/dev/null | sed 's/#include "//; s/"$//' | sort -u; }

# may_include ROOM ALLOWED_REGEX FILES...
may_include() {
	local room=$1 allowed=$2 bad_list
	shift 2
	bad_list=$(includes "$@" | grep -v -E "^($allowed)" | tr '\n' ' ')
	if [ -z "$bad_list" ]; then ok "$room includes only what it may"
	else bad "$room includes $bad_list"; fi
}

may_include "sim/base" 'sim/base/' sim/base/*.[ch]
may_include "engine" 'engine/|policies/|sim/base/' engine/*.[ch]
may_include "policies" 'engine/|policies/|sim/base/' policies/*.[ch]
may_include "traces" 'traces/|sim/base/' traces/*.[ch]
may_include "reports" 'reports/|sim/[a-z_]+\.h|sim/base/' reports/*.[ch]

# Nothing outside sim/cli/ reads a command line. (engine/ctr.c's argv is the dm table's words,
# as in the seed's ctr, and is not a command line.)
hits=$(grep -l -E '\bgetopt|\bint argc\b|\bchar \*\*argv\b|char \*argv\[\]' sim/*.c sim/base/*.c \
	traces/*.c reports/*.c policies/*.c 2>/dev/null | tr '\n' ' ')
if [ -z "$hits" ]; then ok "only sim/cli/ parses command-line options"
else bad "command-line parsing outside sim/cli/: $hits"; fi
exit $fail
