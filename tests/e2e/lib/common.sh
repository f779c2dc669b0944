# SPDX-License-Identifier: GPL-2.0
# common.sh - the helpers every end-to-end script (tests/e2e/*.sh) used to define for itself
# (sourced, not run; bash). One copy, so that a check reads and reports the same everywhere.
#   . "$(dirname "$0")/lib/common.sh"
# Sourcing sets fail=0; the script ends with `exit $fail` as before. Scripts that stop at the
# first failure instead (the sweep/report ones) use reports.bash's rep_* helpers on top of this.
# The exit statuses are the runner's (lib/runner.sh): 0 passed, 77 skipped, anything else failed.

# ok/bad print one verdict line each and count it in $pass / $fails; bad also sets fail=1. The
# prefixes are variables because older scripts print "ok   X" / "FAIL X" and their logs keep that
# form: set E2E_OK and E2E_FAIL before sourcing to change them. E2E_OK="" makes ok silent (the
# models_*.sh scripts print only the failures and the counts at the end).
: "${E2E_OK=ok: }" "${E2E_FAIL=FAIL: }"
fail=0 pass=0 fails=0
ok() {
	pass=$((pass + 1))
	[ -z "$E2E_OK" ] || echo "$E2E_OK$*"
}
bad() {
	echo "$E2E_FAIL$*"
	fail=1
	fails=$((fails + 1))
}

# e2e_tmpdir: a fresh directory in $tmp, removed when the script exits. A script that needs
# more cleanup sets its own EXIT trap afterwards (and removes $tmp there).
e2e_tmpdir() {
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
}

# expect STATUS WHAT -- CMD...: run CMD with stdout in $tmp/out and stderr in $tmp/err; bad
# (and return 1) unless it exits with STATUS. WHAT names the check in the verdict line.
expect() {
	local want=$1 what=$2
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	local got=$?
	if [ "$got" -ne "$want" ]; then
		bad "$what: exit $got, expected $want; stderr: $(head -c 300 "$tmp/err")"
		return 1
	fi
	ok "$what (exit $got)"
}

# expect_in STATUS NEEDLE CMD...: run CMD (stdout in $tmp/out, stderr in $tmp/err); fail unless
# it exits with STATUS and, if NEEDLE is not empty, prints the fixed string NEEDLE on stdout or
# stderr. A failure shows what the command printed (the first 40 lines).
expect_in() {
	local want=$1 needle=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ $rc -ne "$want" ]; then
		echo "FAIL: exit $rc (want $want): $*"
		cat "$tmp/err"
		fail=1
		return
	fi
	if [ -n "$needle" ] && ! grep -qF -- "$needle" "$tmp/out" "$tmp/err"; then
		echo "FAIL: no '$needle' in the output of: $*"
		cat "$tmp/out" "$tmp/err" | head -n 40
		fail=1
		return
	fi
	echo "ok   exit $rc: ${*:2:8}"
}

# has_err STRING / lacks_err STRING / has_out STRING: the last expect's stderr (stdout) holds
# (does not hold) the fixed string STRING.
has_err() {
	if grep -qF -- "$1" "$tmp/err"; then ok "stderr: $1"; else bad "missing in stderr: $1 (got: $(head -c 400 "$tmp/err"))"; fi
}
lacks_err() {
	if grep -qF -- "$1" "$tmp/err"; then bad "unexpected in stderr: $1"; else ok "stderr lacks: $1"; fi
}
has_out() {
	if grep -qF -- "$1" "$tmp/out"; then ok "stdout: $1"; else bad "missing in stdout: $1 (got: $(head -c 400 "$tmp/out"))"; fi
}

# has FILE STRING: FILE holds the fixed string STRING.
has() {
	if grep -qF -- "$2" "$1"; then ok "$1 has: $2"; else bad "$1 lacks: $2 (got: $(head -c 400 "$1"))"; fi
}

# same WHAT EXPECTED FILE: FILE's content is exactly EXPECTED (trailing newlines aside).
same() {
	if [ "$2" = "$(cat "$3")" ]; then ok "$1"; else bad "$1: got $(cat "$3"), expected $2"; fi
}

# jpy FILE EXPR: the Python expression EXPR evaluated with d = the JSON document in FILE (the
# judge is python3's json module, independent of the program under test).
jpy() {
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$1" "$2"
}

# e2e_cases OUT CASE...: each case directory through tests/golden/run-case.sh (run from the
# repository's top), its output under OUT/NAME (OUT emptied first); one "ok   NAME" or
# "FAIL NAME" line per case; a failure sets fail=1. $n counts the cases run.
e2e_cases() {
	local out=$1 c
	shift
	rm -rf "$out"
	for c in "$@"; do
		n=$((${n:-0} + 1))
		if bash tests/golden/run-case.sh "$PROG" "$c" "$out/$(basename "$c")"; then
			echo "ok   $(basename "$c")"
		else
			echo "FAIL $(basename "$c")"
			fail=1
		fi
	done
}

# e2e_replay_setup N [ARGS...]: the replay --predict scripts' workload and command. $tmp/w.txt
# gets N random 4 KiB requests (80 % reads, seed 4) over 32 MiB; R=(a replay of it on an 8 MiB
# cache file and a 32 MiB target file, --quirks fixed, a writethrough 8-sector 4-way table, then
# ARGS); M=(given fixed models for both devices, the sizes of the files).
e2e_replay_setup() {
	local n=$1
	shift
	"$PROG" trace gen --requests "$n" --device-size 32M --read-ratio 0.8 --size 4K --seed 4 \
		-o "$tmp/w.txt" 2>/dev/null
	R=(replay "$tmp/w.txt" --cache "$tmp/c.img" --cache-create 8M --target "$tmp/t.img"
		--target-create 32M --quirks fixed --table "blocksize 8 assoc 4 writethrough" "$@")
	M=(--cache-model fixed:size=8M,read=50us,write=80us
		--target-model fixed:size=32M,read=300us,write=400us)
}
