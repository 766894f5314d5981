#!/usr/bin/env bash
# Runs each libFuzzer target for a bounded time on a seed corpus made from
# the real fixtures; inputs that break a property land in
# Fuzz/regressions/<target>/ (replayed by `make test` from then on).
# Usage: Fuzz/run.sh <seconds per target> <target>...
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}; shift || true
targets=${*:-protobuf json gzip}
binary=.build-fuzz/release/tokenaudit-fuzz
fixtures=../shared/fixtures/real-instrumentation
corpus=.build-fuzz/corpus
report=bench/results/fuzz.md
mkdir -p bench/results

seed() {
  local target=$1 dir=$corpus/$1
  mkdir -p "$dir" "Fuzz/regressions/$target"
  local f name
  for f in "$fixtures"/*/*.binpb "$fixtures"/*/*.json; do
    name=$(basename "$(dirname "$f")")_$(basename "$f")
    case $target:$f in
      protobuf:*.binpb | json:*.json) cp "$f" "$dir/$name" ;;
      gzip:*.binpb) gzip -c "$f" > "$dir/$name.gz" ;;
    esac
  done
  if [ "$target" = gzip ]; then head -c 3145728 /dev/zero | gzip -c > "$dir/bomb.gz"; fi
  cp Fuzz/regressions/"$target"/* "$dir"/ 2>/dev/null || true
}

{
  echo "# Fuzzing: libFuzzer + AddressSanitizer, ${seconds}s per target"
  echo
  echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
  echo
  echo "| target | inputs tried | exec/s | coverage (edges) | corpus | property violations / crashes |"
  echo "|---|---|---|---|---|---|"
} > "$report"

status=0
for target in $targets; do
  seed "$target"
  log=.build-fuzz/$target.log
  before=$(ls "Fuzz/regressions/$target" | wc -l)
  set +e
  # SWIFT_BACKTRACE: Swift's own crash reporter would read memory ASan guards.
  FUZZ_TARGET=$target ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no "$binary" "$corpus/$target" \
    -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="Fuzz/regressions/$target/" > "$log" 2>&1
  code=$?
  set -e
  after=$(ls "Fuzz/regressions/$target" | wc -l)
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
  speed=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
  units=$(ls "$corpus/$target" | wc -l)
  found=$((after - before))
  echo "| $target | $runs | $speed | $cov | $units | $found |" >> "$report"
  echo "$target: $runs inputs, $speed/s, coverage $cov, $found new crash inputs (exit $code)"
  if [ "$found" -gt 0 ] || [ "$code" -ne 0 ]; then
    status=1
    grep -E "property violated|ERROR: AddressSanitizer|SUMMARY" "$log" | head -5 || true
  fi
done
echo >> "$report"
echo "Crash inputs are kept in Fuzz/regressions/<target>/ and replayed by \`make test\` (FuzzTests)." >> "$report"
exit $status
