#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run one golden case (a folder with args, trace, expected.*) through ssdcache-sim and compare.
# usage: run-case.sh PROG CASE_DIR OUT_DIR ; exits non-zero on any difference.
set -u
prog=$1 case=$2 out=$3
mkdir -p "$out"
read -r -a a < "$case/args"
cache_size= target_size= bs=256 assoc=4 mode=writethrough options= hz=250 cl= tl= wq=
i=0
while [ $i -lt ${#a[@]} ]; do
	k=${a[$i]}; v=${a[$((i+1))]:-}
	case $k in
	--cache-size) cache_size=$v;; --target-size) target_size=$v;; --blocksize) bs=$v;;
	--assoc) assoc=$v;; --mode) mode=$v;; --hz) hz=$v;; --cache-lat) cl=$v;; --target-lat) tl=$v;;
	--wq-delay) wq=$v;;
	--options)
		# the value may be quoted: 'lru queue_busy'
		v=${v#\'}; opts="$v"
		while [[ ${a[$i+1]} != *\' ]] && [[ $opts != *\' ]] && [[ "${a[$i+1]}" == "$v" ]] && false; do :; done
		if [[ ${a[$((i+1))]} == \'* ]]; then
			opts=${a[$((i+1))]#\'}
			while [[ $opts != *\' ]]; do i=$((i+1)); opts="$opts ${a[$((i+1))]}"; done
			opts=${opts%\'}
		else
			opts=${a[$((i+1))]}
		fi
		options=$opts;;
	*) echo "unknown arg $k in $case/args"; exit 2;;
	esac
	i=$((i+2))
done
n=$(echo $options | wc -w)
table="blocksize $bs assoc $assoc $mode"
[ -n "$options" ] && table="$table options $n $options"
extra=()
[ -n "$wq" ] && extra+=(--wq-delay "$wq")
if [ -f "$case/expected.verify" ]; then extra+=(--verify-log "$out/verify"); fi
"$prog" run "$case/trace" --quiet \
	--cache-dev "fixed:size=$cache_size,read=${cl%,*},write=${cl#*,}" \
	--target-dev "fixed:size=$target_size,read=${tl%,*},write=${tl#*,}" \
	--table "$table" --hz "$hz" --decision-log "$out/log" "${extra[@]}" > "$out/stdout" 2> "$out/stderr"
rc=$?
fail=0
if [ $rc -ne 0 ]; then echo "$case: exit $rc"; cat "$out/stderr"; exit 1; fi
cmp -s "$out/log" "$case/expected.log" || { echo "$case: decision log differs"; diff "$case/expected.log" "$out/log" | head -10; fail=1; }
# stdout: the INFO text exactly (first 4 lines), the TABLE line, and for coherency cases the stale count
head -n 4 "$case/expected.stdout" > "$out/want.info"
head -n 4 "$out/stdout" > "$out/got.info"
cmp -s "$out/want.info" "$out/got.info" || { echo "$case: INFO differs"; diff "$out/want.info" "$out/got.info"; fail=1; }
want_table=$(sed -n 5p "$case/expected.stdout")
got_table=$(sed -n 5p "$out/stdout")
[ "$want_table" == "$got_table" ] || { echo "$case: TABLE differs: want '$want_table' got '$got_table'"; fail=1; }
if grep -q '^stale reads:' "$case/expected.stdout"; then
	want=$(grep '^stale reads:' "$case/expected.stdout")
	grep -qx "$want" "$out/stdout" || { echo "$case: want '$want', got '$(grep '^stale reads' "$out/stdout")'"; fail=1; }
fi
if [ -f "$case/expected.verify" ]; then
	cmp -s "$out/verify" "$case/expected.verify" || { echo "$case: verify log differs"; diff "$case/expected.verify" "$out/verify"; fail=1; }
fi
exit $fail
