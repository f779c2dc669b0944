# SPDX-License-Identifier: GPL-2.0
# models_import.sh - end-to-end: `models import disksim` on hand-written DiskSim parameter files
# (tests/e2e/disksim/, written for these tests): the mapping of each parameter, every seek form,
# unsupported parameters listed with file:line, located errors, and the preset file loading
# through hdd:file= into `models replay`.
# Run with PROG=/abs/path/to/ssdcache-sim (the Makefile's e2e target sets it).
set -u
: "${PROG:?set PROG to the ssdcache-sim binary}"
E2E_OK=""
. "$(dirname "$0")/lib/common.sh"
here=$(cd "$(dirname "$0")" && pwd)
e2e_tmpdir
cp "$here"/disksim/mini.* "$tmp/"

"$PROG" models import disksim "$tmp/mini.parv" -o "$tmp/mini.hdd" 2>"$tmp/err" || bad "import exited $?: $(cat "$tmp/err")"
has() { grep -qxF -- "$2" "$1" && ok || bad "$1 lacks the line '$2'"; }
for l in "heads=2" "rpm=6000" "size=14848000" "slip_tracks=1" \
	"zone 0 99 100 10 20 3 200 400" "slip 1 7" "slip 1 9" "zone 100 199 50 5 8 0 0 100" \
	"head_switch=400000ns" "write_settle=250000ns" "settle=0" "headsw_max=1" \
	"seek 1 1000000ns" "seek 10 2000000ns" "seek_hpl 50 2 0.3 3.5 0.02" "split_overheads=1" \
	"ovh_rhit_r=100000ns" "ovh_rhit_w=200000ns" "ovh_rmiss_r=300000ns" "ovh_rmiss_w=400000ns" \
	"ovh_whit_r=500000ns" "ovh_whit_w=600000ns" "ovh_wmiss_r=700000ns" "ovh_wmiss_w=800000ns" \
	"ovh_done_read=10000ns" "ovh_done_write=20000ns" "ovh_reselect=30000ns" \
	"bus_block_read=100000ns" "bus_block_write=120000ns" "bus_watermark=0.5" "ra_track=0" \
	"cache_segments=2" "cache_size=204800" "readahead=25600" "write_cache=1" "wc_entries=2" \
	"queue_depth=4" "sched=sstf" "wc_keep=1" "wc_shared=0" "seg_disksim=1" "min_write_pos=0ns"; do
	has "$tmp/mini.hdd" "$l"
done
# unsupported parameters are listed with their file and line
for m in "mini.diskspecs:34: 'Frobnicate level' = 7: not supported" \
	"mini.model:32: zone 2: 2 defect entries not modelled" \
	"mini.parv:16: 'Arbitration time' = 0.0: bus arbitration is not modelled" \
	"mini.parv:3: block disksim_global Global: not a drive parameter" \
	"mini.model:45: 'Full seek curve' = mini.seek: not used by this seek type"; do
	grep -qF -- "$m" "$tmp/err" && ok || bad "stderr lacks '$m': $(cat "$tmp/err")"
done
grep -q "MINI_DRIVE: .* parameters mapped, 8 not supported" "$tmp/err" && ok || bad "summary: $(tail -1 "$tmp/err")"

# the preset file loads and replays; options after file= override it
printf 'R Miss 1000 8 5000 1000\nW Miss 2000 8 5000 1000\nR Hit 1008 8 1000 0\n' >"$tmp/v.trace"
"$PROG" models replay "hdd:file=$tmp/mini.hdd" "$tmp/v.trace" --json >"$tmp/j" 2>"$tmp/e" && ok ||
	bad "replay on the imported file: $(cat "$tmp/e")"
grep -q '"demerit_ms": [0-9]' "$tmp/j" && ok || bad "no demerit from the imported drive"
"$PROG" models replay "hdd:file=$tmp/mini.hdd,write_cache=0" "$tmp/v.trace" --latency-log "$tmp/l1" >/dev/null &&
	"$PROG" models replay "hdd:file=$tmp/mini.hdd" "$tmp/v.trace" --latency-log "$tmp/l2" >/dev/null || bad "replays failed"
w1=$(awk '$2 == "W" { print $6 }' "$tmp/l1"); w2=$(awk '$2 == "W" { print $6 }' "$tmp/l2")
# cached: 0.5 ms (write hit after a read) + 8 x 0.12 + 0.02; uncached waits for the media
[ "$w2" = "1480.000" ] && ok || bad "cached write latency $w2 us, expected 1480.000"
awk -v a="$w1" -v b="$w2" 'BEGIN { exit !(a > b + 1000) }' && ok || bad "write_cache=0 after file= did not override ($w1 vs $w2)"

# every seek form DiskSim uses
seekform() { # type [sed expression on the model]
	sed -e "s/Seek type = hplplus10/Seek type = $1/" ${2:+-e "$2"} "$here/disksim/mini.model" >"$tmp/mini.model"
	"$PROG" models import disksim -q "$tmp/mini.parv" -o "$tmp/s.hdd" 2>"$tmp/serr"
}
seekform extracted && ok || bad "extracted: $(cat "$tmp/serr")"
has "$tmp/s.hdd" "seek 100 4000000ns"
has "$tmp/s.hdd" "seek 199 8000000ns"
grep -q "^seek_hpl" "$tmp/s.hdd" && bad "extracted wrote an hpl curve" || ok
# a distance-0 point and a repeated distance are listed and skipped, not an abort
printf 'Seek distances measured: 5\n0, 0.0\n1, 1.0\n10, 2.0\n10, 2.1\n199, 8.0\n' >"$tmp/mini.seek"
seekform extracted && ok || bad "extracted with a 0 point: $(cat "$tmp/serr")"
has "$tmp/s.hdd" "seek 199 8000000ns"
grep -q "^seek 0 " "$tmp/s.hdd" && bad "distance 0 written" || ok
"$PROG" models import disksim "$tmp/mini.parv" -o "$tmp/s.hdd" 2>"$tmp/serr"
grep -q "mini.seek:2: seek table point 0, 0 ms: distance 0 is no seek (ignored)" "$tmp/serr" && ok || bad "distance 0 not listed: $(cat "$tmp/serr")"
grep -q "mini.seek:5: seek table point 10, 2.1 ms: distances must increase (ignored)" "$tmp/serr" && ok || bad "repeat not listed: $(cat "$tmp/serr")"
cp "$here/disksim/mini.seek" "$tmp/mini.seek"
seekform hpl && ok || bad "hpl: $(cat "$tmp/serr")"
has "$tmp/s.hdd" "seek_hpl 50 2 0.3 3.5 0.02"
grep -q "^seek [0-9]" "$tmp/s.hdd" && bad "hpl with V6 = -1 wrote table points" || ok
seekform hpl "s/0.02, -1 ]/0.02, 1 ]/" && ok || bad "hpl V6: $(cat "$tmp/serr")"
has "$tmp/s.hdd" "seek 1 1000000ns"
# the two seek lists: a missing one at the seek type's line, a bad item at its own
seekform hpl "/HPL seek equation values/d"
grep -qF "mini.model:38: seek type 'hpl' needs 'HPL seek equation values' (6 numbers)" "$tmp/serr" && ok ||
	bad "no HPL values: $(cat "$tmp/serr")"
seekform hplplus10 "s/1.3, 1.4/1.3, fast/"
grep -qF "mini.model:44: 'First ten seek times': item 4 is not a number" "$tmp/serr" && ok ||
	bad "bad seek item: $(cat "$tmp/serr")"
seekform hplplus10 "s/1.9, 2.0 ]/1.9 ]/"
grep -qF "mini.model:38: seek type 'hplplus10' needs 'First ten seek times'" "$tmp/serr" && ok ||
	bad "nine seek times: $(cat "$tmp/serr")"
seekform const && ok || bad "const: $(cat "$tmp/serr")"
has "$tmp/s.hdd" "seek 1 4000000ns"
seekform linear && ok || bad "linear: $(cat "$tmp/serr")"
has "$tmp/s.hdd" "seek 66 4000000ns"
has "$tmp/s.hdd" "seek 199 8000000ns"
seekform curve && ok || bad "curve: $(cat "$tmp/serr")"
has "$tmp/s.hdd" "seek_avg=4000000ns"
"$PROG" models replay "hdd:file=$tmp/s.hdd" "$tmp/v.trace" >/dev/null 2>&1 && ok || bad "curve form does not load"
seekform warp
[ $? -eq 1 ] && ok || bad "unknown seek type accepted"
grep -q "'Seek type' = warp: not supported" "$tmp/serr" && ok || bad "unknown seek type message: $(cat "$tmp/serr")"
cp "$here/disksim/mini.model" "$tmp/mini.model"

# located errors, exit 1, and no half-written output
rm -f "$tmp/out.hdd"
sed 's/source mini.diskspecs/source nosuch.diskspecs/' "$here/disksim/mini.parv" >"$tmp/bad1.parv"
"$PROG" models import disksim "$tmp/bad1.parv" -o "$tmp/out.hdd" 2>"$tmp/e"
[ $? -eq 1 ] && ok || bad "missing source: exit not 1"
grep -q "bad1.parv:21: cannot open '.*nosuch.diskspecs'" "$tmp/e" && ok || bad "missing source message: $(cat "$tmp/e")"
[ -e "$tmp/out.hdd" ] && bad "a failed import left $tmp/out.hdd" || ok
sed 's/Max queue length = 4,/Max queue length 4,/' "$here/disksim/mini.diskspecs" >"$tmp/mini.diskspecs"
"$PROG" models import disksim "$tmp/mini.parv" >/dev/null 2>"$tmp/e"
[ $? -eq 1 ] && ok || bad "syntax error: exit not 1"
grep -q "mini.diskspecs:6: expected 'Parameter name = value'" "$tmp/e" && ok || bad "syntax error message: $(cat "$tmp/e")"
cp "$here/disksim/mini.diskspecs" "$tmp/mini.diskspecs"
sed 's/Block count = 29000/Block count = 99000/' "$here/disksim/mini.model" >"$tmp/mini.model"
"$PROG" models import disksim "$tmp/mini.parv" >/dev/null 2>"$tmp/e"
grep -q "mini.model:4: 'Block count' 99000 exceeds the 29300 data sectors" "$tmp/e" && ok || bad "capacity message: $(cat "$tmp/e")"
cp "$here/disksim/mini.model" "$tmp/mini.model"
printf 'disksim_disk X {\n Model = dm_disk { Number of data surfaces = inf } }\n' >"$tmp/inf.parv"
"$PROG" models import disksim "$tmp/inf.parv" >"$tmp/o" 2>"$tmp/e"
[ $? -eq 1 ] && [ ! -s "$tmp/o" ] && ok || bad "a failed import wrote to standard output: $(head -c 200 "$tmp/o")"
grep -q "inf.parv:2: 'Number of data surfaces': expected a number, got 'inf'" "$tmp/e" && ok || bad "inf message: $(cat "$tmp/e")"
printf 'disksim_global G { Init Seed = 1 }\n' >"$tmp/nodisk.parv"
"$PROG" models import disksim "$tmp/nodisk.parv" >/dev/null 2>"$tmp/e"
grep -q "no disksim_disk block" "$tmp/e" && ok || bad "no disk message: $(cat "$tmp/e")"
"$PROG" models import disksim "$tmp/none.parv" >/dev/null 2>&1
[ $? -eq 1 ] && ok || bad "missing file: exit not 1"
"$PROG" models import nosuchformat x >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "unknown source format: exit not 2"
"$PROG" models import --help | grep -q "hdd:file=" && ok || bad "import --help"

# other drives' shapes (tests/e2e/disksim/shapes.*): spares per cylinder, hpl seek, read-ahead
# to the track's end, request data dropped, read-ahead on idle hits, an oversized Block count
cp "$here"/disksim/shapes.* "$tmp/"
"$PROG" models import disksim "$tmp/shapes.parv" -o "$tmp/shapes.hdd" 2>"$tmp/e" || bad "shapes import exited $?: $(cat "$tmp/e")"
for l in "zone 0 49 60 4 8 7 0 0 3" "slip 1 100" "slip 1 400" "zone 50 99 40 3 6 0 0 0 2" \
	"slip_tracks=0" "size=7552000" "seek_hpl 20 1.5 0.25 2.5 0.01" "ra_bound=1" "ra_track=0" \
	"readahead=25600" "ra_discard=1" "ra_on_hit=1" "wc_shared=1" "seg_disksim=1" \
	"write_settle=0ns" "write_less=100000ns" "immed_partial=0"; do
	has "$tmp/shapes.hdd" "$l"
done
for m in "shapes.diskspecs:5: 'Block count' 99999 exceeds the 14750 data sectors the zones hold: the drive is given 14750" \
	"shapes.diskspecs:38: 'Access time type' = averageRotation: not supported"; do
	grep -qF -- "$m" "$tmp/e" && ok || bad "stderr lacks '$m': $(cat "$tmp/e")"
done
# sparing at the end (7): every slip takes a sector from the zone's end; per zone with slips to
# the end (10): the spares and the slips
sed 's/Sparing scheme used = 2/Sparing scheme used = 7/' "$here/disksim/shapes.diskspecs" >"$tmp/shapes.diskspecs"
"$PROG" models import disksim -q "$tmp/shapes.parv" -o "$tmp/s7.hdd" 2>"$tmp/e" || bad "scheme 7 import: $(cat "$tmp/e")"
has "$tmp/s7.hdd" "zone 0 49 60 4 8 7 0 2"
has "$tmp/s7.hdd" "zone 50 99 40 3 6 0 0 0"
sed 's/Sparing scheme used = 2/Sparing scheme used = 10/' "$here/disksim/shapes.diskspecs" >"$tmp/shapes.diskspecs"
"$PROG" models import disksim -q "$tmp/shapes.parv" -o "$tmp/s10.hdd" 2>"$tmp/e" || bad "scheme 10 import: $(cat "$tmp/e")"
has "$tmp/s10.hdd" "zone 0 49 60 4 8 7 0 5"
cp "$here/disksim/shapes.diskspecs" "$tmp/shapes.diskspecs"
printf 'R Miss 0 8 1000 5000\nR Miss 8 8 1000 5000\nW Miss 14000 8 1000 1\n' >"$tmp/shapes.trace"
"$PROG" models replay "hdd:file=$tmp/shapes.hdd" "$tmp/shapes.trace" >/dev/null 2>"$tmp/e" && ok || bad "shapes replay: $(cat "$tmp/e")"

echo "models_import: $pass passed, $fails failed"
[ "$fails" -eq 0 ]
