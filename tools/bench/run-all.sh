#!/usr/bin/env bash
# tools/bench/run-all.sh [--smoke] [--build DIR] [--out DIR]
#
# Runs every benchmark of tools/bench (each prints its figures beside a baseline measured in the
# same run) and writes the figures and ratios as a table: OUT/bench.md (Markdown) and
# OUT/bench.json, plus each benchmark's full output in OUT/<name>.log.
#
#   --smoke      tiny sizes, one run each: proves every benchmark still runs (CI, scripts/test.sh
#                stage `bench`); the figures mean nothing.
#   --build DIR  the build directory with the benchmarks (default build/int)
#   --out DIR    where the tables go (default DIR/bench-results)
#
# A row is each output line that states a ratio ("ratio 1.23", "0.95x"; bench_net_load's table:
# its msg/s ratio column). Exits 1 if any benchmark fails or prints no ratio.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build/int
out=""
smoke=0
while [ $# -gt 0 ]; do
  case $1 in
    --smoke) smoke=1 ;;
    --build) build=$(cd "$2" && pwd); shift ;;
    --out) out=$2; shift ;;
    *) echo "usage: $0 [--smoke] [--build DIR] [--out DIR]" >&2; exit 2 ;;
  esac
  shift
done
out=${out:-$build/bench-results}
mkdir -p "$out"
bench=$build/tools/bench

# name|full-size arguments|smoke arguments (each benchmark's own argument conventions)
benchmarks=(
  "bench_core_switch||--benchmark_min_time=0.001"
  "bench_core_footprint||2000 200 0.2"
  "bench_sync_primitives||--scale 100 --runs 1"
  "bench_async_roundtrip||200 1000"
  "bench_codecs_b64||1 1"
  "bench_net_load||--seconds 0.2 --runs 1"
  "bench_http_keepalive||50 1"
  "bench_http_download||2 1"
  "bench_http_proxy_wrk||1 4"
  "bench_ftp_download||2 1"
  "bench_smtp_throughput||20 2"
)

rows=$out/rows.tsv
: >"$rows"
failed=()
for entry in "${benchmarks[@]}"; do
  IFS='|' read -r name full tiny <<<"$entry"
  args=$full
  [ "$smoke" -eq 1 ] && args=$tiny
  log=$out/$name.log
  if [ "$name" = bench_http_proxy_wrk ]; then
    cmd=("$root/tools/bench/http_proxy_wrk.sh" "$build/tools/proxy/copas-proxy")
  else
    cmd=("$bench/$name")
  fi
  # shellcheck disable=SC2206  # the arguments are words by design
  cmd+=($args)
  printf '%-24s ' "$name"
  start=$(date +%s%N)
  if ! "${cmd[@]}" >"$log" 2>&1; then
    echo "FAILED (exit $?; $log)"; tail -5 "$log" | sed 's/^/    /'; failed+=("$name"); continue
  fi
  ms=$((($(date +%s%N) - start) / 1000000))
  n=0
  while IFS= read -r line; do
    if [ "$name" = bench_net_load ]; then
      # A table whose "ratio" column (msg/s) is the last figure before the first '|'.
      ratio=$(grep -oE '[0-9]+\.[0-9]+ +\|' <<<"$line" | head -1 | grep -oE '[0-9]+\.[0-9]+')
    else
      ratio=$(grep -oE '(ratio[^0-9]*[0-9]+\.[0-9]+|[0-9]+\.[0-9]+x)' <<<"$line" | head -1 | grep -oE '[0-9]+\.[0-9]+')
    fi
    [ -n "$ratio" ] || continue
    printf '%s\t%s\t%s\n' "$name" "$ratio" "$(sed -E 's/^ +//; s/\t/ /g' <<<"$line")" >>"$rows"
    n=$((n + 1))
  done <"$log"
  if [ "$n" -eq 0 ]; then
    echo "FAILED (no ratio in its output; $log)"; failed+=("$name")
  else
    printf 'ok  %2d figures  %d.%03d s\n' "$n" $((ms / 1000)) $((ms % 1000))
  fi
done

python3 - "$rows" "$out" "$smoke" <<'PY'
import json, sys
rows_file, out, smoke = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
rows = [l.rstrip("\n").split("\t", 2) for l in open(rows_file) if l.strip()]
table = [{"benchmark": b, "ratio": float(r), "figure": f} for b, r, f in rows]
with open(f"{out}/bench.json", "w") as j:
    json.dump({"smoke": smoke, "rows": table}, j, indent=2)
with open(f"{out}/bench.md", "w") as m:
    m.write("| benchmark | ratio | figure (copas beside its baseline, same run) |\n|---|---:|---|\n")
    for t in table:
        fig = t["figure"].replace("|", "\\|")
        m.write(f"| `{t['benchmark']}` | {t['ratio']:.2f} | {fig} |\n")
    if smoke:
        m.write("\nSmoke run (tiny sizes, one run each): the figures only show that each benchmark runs.\n")
PY
echo "run-all: $(wc -l <"$rows") figures in $out/bench.md and $out/bench.json"
if [ ${#failed[@]} -gt 0 ]; then echo "run-all: FAILED: ${failed[*]}"; exit 1; fi
