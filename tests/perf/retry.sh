#!/usr/bin/env bash
# retry.sh N CMD...: runs CMD up to N times and passes on its first success. For the timing
# checks of tests/perf: a machine that stalls the client for milliseconds (another job, a
# noisy neighbour) fails a timing bound without anything being wrong; a real regression
# fails every try. Each failed try says so, with the load average.
set -u
n=${1:?usage: retry.sh N CMD...}
shift
for ((try = 1; try <= n; try++)); do
	"$@" && exit 0
	echo "retry.sh: try $try of $n failed (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
done
exit 1
