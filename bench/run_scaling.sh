#!/usr/bin/env bash
# Scaling table: runs bench_scaling once per size, each in a fresh process (peak RSS is per
# process), and writes <out>/scaling.csv, <out>/scaling.md and <out>/scaling.svg.
#
#   bench/run_scaling.sh [build-dir] [out-dir] [sizes...]
#   bench/run_scaling.sh build bench-results 100 1000 10000 100000    (the defaults)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${2:-bench-results}
shift $(($# > 2 ? 2 : $#))
sizes=("$@")
((${#sizes[@]})) || sizes=(100 1000 10000 100000)
bin="$build/bench/bench_scaling"
[ -x "$bin" ] || { echo "run_scaling: $bin not found (cmake --build $build --target bench_scaling)" >&2; exit 2; }
mkdir -p "$out"

csv="$out/scaling.csv"
echo "agents,wall_s,cpu_s,peak_rss_bytes,rss_bytes_per_agent,cpu_ns_per_agent_beat,events,messages" >"$csv"
for n in "${sizes[@]}"; do
  # RUN_SCALING_REUSE=1 rebuilds the table from the raw files of an earlier run.
  if [ "${RUN_SCALING_REUSE:-0}" != 1 ] || [ ! -s "$out/scaling_$n.raw.csv" ]; then
    echo "run_scaling: $n agents ..." >&2
    "$bin" --benchmark_filter="BM_Scaling/$n/" --benchmark_format=csv 2>/dev/null >"$out/scaling_$n.raw.csv"
  fi
  # Google Benchmark CSV: a header naming the counters, then one row per run.
  awk -F, -v n="$n" '
    /^name,/ { for (i = 1; i <= NF; ++i) { gsub(/"/, "", $i); col[$i] = i } next }
    col["name"] && /^"BM_Scaling/ {
      printf "%s,%s,%s,%s,%s,%s,%s,%s\n", n, $col["wall_s"], $col["cpu_s"], $col["peak_rss_bytes"],
             $col["rss_bytes_per_agent"], $col["cpu_ns_per_agent_beat"], $col["events"], $col["messages"]
    }' "$out/scaling_$n.raw.csv" >>"$csv"
done

# Markdown table.
awk -F, 'NR == 1 {
    print "| agents | wall (s) | CPU (s) | peak RSS (MiB) | RSS per agent (KiB) | CPU per agent x beat (us) | events | messages delivered |"
    print "|---:|---:|---:|---:|---:|---:|---:|---:|"; next }
  { printf "| %d | %.2f | %.2f | %.1f | %.1f | %.2f | %.0f | %.0f |\n", $1, $2, $3, $4 / 1048576,
           $5 / 1024, $6 / 1000, $7, $8 }' "$csv" >"$out/scaling.md"

# SVG: CPU seconds and peak RSS against agents, log-log, with the linear reference through the
# smallest size.
awk -F, '
  function lx(v) { return 70 + (log(v) - lmin) / (lmax - lmin) * 460 }
  function ly(v, lo, hi) { return 330 - (log(v) - lo) / (hi - lo) * 290 }
  NR > 1 { n++; a[n] = $1; c[n] = ($3 > 0 ? $3 : 1e-3); m[n] = $4 / 1048576 }
  END {
    lmin = log(a[1]) - 0.2; lmax = log(a[n]) + 0.2
    clo = log(c[1]) - 0.5; chi = log(c[1] * a[n] / a[1]) + 0.5
    if (log(c[n]) + 0.5 > chi) chi = log(c[n]) + 0.5
    mlo = log(m[1]) - 0.5; mhi = log(m[n]) + 0.5
    print "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"600\" height=\"380\" font-family=\"sans-serif\" font-size=\"12\">"
    print "<rect width=\"600\" height=\"380\" fill=\"white\"/>"
    print "<text x=\"300\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">One virtual hour at 2 BPM: CPU time and peak RSS vs agents (log-log)</text>"
    print "<line x1=\"70\" y1=\"330\" x2=\"530\" y2=\"330\" stroke=\"black\"/><line x1=\"70\" y1=\"40\" x2=\"70\" y2=\"330\" stroke=\"black\"/>"
    for (i = 1; i <= n; ++i) printf "<text x=\"%.1f\" y=\"348\" text-anchor=\"middle\">%d</text>\n", lx(a[i]), a[i]
    print "<text x=\"300\" y=\"368\" text-anchor=\"middle\">agents</text>"
    printf "<polyline fill=\"none\" stroke=\"#bbb\" stroke-dasharray=\"4 4\" points=\"%.1f,%.1f %.1f,%.1f\"/>\n", lx(a[1]), ly(c[1], clo, chi), lx(a[n]), ly(c[1] * a[n] / a[1], clo, chi)
    printf "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\""
    for (i = 1; i <= n; ++i) printf "%.1f,%.1f ", lx(a[i]), ly(c[i], clo, chi)
    print "\"/>"
    for (i = 1; i <= n; ++i) printf "<text x=\"%.1f\" y=\"%.1f\" fill=\"#1f77b4\">%.2f s</text>\n", lx(a[i]) + 4, ly(c[i], clo, chi) - 4, c[i]
    printf "<polyline fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\" points=\""
    for (i = 1; i <= n; ++i) printf "%.1f,%.1f ", lx(a[i]), ly(m[i], mlo, mhi)
    print "\"/>"
    for (i = 1; i <= n; ++i) printf "<text x=\"%.1f\" y=\"%.1f\" fill=\"#d62728\">%.0f MiB</text>\n", lx(a[i]) + 4, ly(m[i], mlo, mhi) + 14, m[i]
    print "<text x=\"80\" y=\"56\" fill=\"#1f77b4\">CPU seconds</text><text x=\"80\" y=\"72\" fill=\"#d62728\">peak RSS</text><text x=\"80\" y=\"88\" fill=\"#999\">linear from the smallest (CPU)</text>"
    print "</svg>"
  }' "$csv" >"$out/scaling.svg"

cat "$out/scaling.md"
echo "run_scaling: wrote $csv, $out/scaling.md, $out/scaling.svg" >&2
