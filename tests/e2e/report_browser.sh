#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# report_browser.sh - render a report's index.html in headless Chromium and check that every
# figure loads (and that the check notices a missing one), at 1400 px without the page
# scrolling sideways (wide tables scroll in their own box).
set -euo pipefail
: "${PROG:?PROG must name build/ssdcache-sim}"
. "$(dirname "$0")/lib/reports.bash"

BROWSER=""
for b in chromium chromium-browser google-chrome; do
	if command -v "$b" >/dev/null; then
		BROWSER=$b
		break
	fi
done
if [ -z "$BROWSER" ]; then
	echo "SKIP: no Chromium (Debian package 'chromium'; scripts/install-deps installs it)"
	exit 77 # a skip, counted as such by tests/e2e/lib/runner.sh
fi
if ! command -v gnuplot >/dev/null; then
	echo "SKIP: gnuplot is not installed"
	exit 77
fi
rep_workdir
rep_small_trace

"$PROG" sweep "$TRACE" --blocksize 16,64,256 --assoc 1,4 --mode writethrough,writeback \
	--cache-size 16M,64M --db r.db -j 2 --no-progress >/dev/null
"$PROG" report --db r.db --out rep >report.out
cat report.out
grep -q "rep/index.html" report.out || rep_die "report did not say where the page is"

render() { # -> the page's DOM after load, on stdout
	local ud
	ud=$(mktemp -d "$W/profile.XXXXXX")
	timeout 90 "$BROWSER" --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --user-data-dir="$ud" \
		--window-size=1400,900 \
		--virtual-time-budget=5000 --dump-dom "file://$W/rep/index.html" 2>"$W/browser.err"
}

render >dom1.html || { tail "$W/browser.err"; rep_die "$BROWSER failed"; }
imgs=$(grep -o '<img src="figures/[^"]*\.png"' rep/index.html | wc -l)
line=$(grep -o '<p id="figcheck"[^>]*>[^<]*' dom1.html) || rep_die "no figure check in the rendered page"
echo "$line"
total=$(sed -n 's/.*data-total="\([0-9]*\)".*/\1/p' <<<"$line")
loaded=$(sed -n 's/.*data-loaded="\([0-9]*\)".*/\1/p' <<<"$line")
[ -n "$loaded" ] || rep_die "the page's script did not run"
[ "$imgs" -ge 10 ] || rep_die "only $imgs figures on the page"
[ "$total" = "$imgs" ] && [ "$loaded" = "$imgs" ] || rep_die "$loaded of $total figures loaded ($imgs on the page)"
overflow=$(sed -n 's/.*data-page-overflow="\([0-9]*\)".*/\1/p' <<<"$line")
[ "$overflow" = 0 ] || rep_die "at 1400 px the page scrolls sideways by '$overflow' px"
grep -q '<div class="scroll"><table><tbody><tr><th>trace</th>' dom1.html || rep_die "the traces table does not scroll in its own box"
# The page shows the trace statistics and the runs.
grep -q "<h2>Traces</h2>" dom1.html && grep -q "oltp_small.blkparse.txt" dom1.html || rep_die "no trace table"
[ "$(grep -c '<tr><td class="n">' dom1.html)" -ge 24 ] || rep_die "the runs table lacks runs"

# The check can fail: hide one figure and render again.
victim=$(ls rep/figures/*.png | head -1)
mv "$victim" "$W/hidden.png"
render >dom2.html || rep_die "$BROWSER failed (second render)"
line=$(grep -o '<p id="figcheck"[^>]*>[^<]*' dom2.html)
echo "$line"
grep -q "data-loaded=\"$((imgs - 1))\"" <<<"$line" || rep_die "a missing figure went unnoticed"
grep -q "missing figures/$(basename "$victim")" <<<"$line" || rep_die "the missing figure is not named"
echo "ok"
