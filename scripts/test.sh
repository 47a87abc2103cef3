#!/usr/bin/env bash
# The README's second command: install what is needed, then build and run every test:
#   1. the whole suite, normal build (RelWithDebInfo, warnings as errors);
#   2. the whole suite again under ASan+UBSan (fiber switches annotated, see core/src/sanitizer.hpp);
#   3. the thread-offload and sync suites under TSan;
#   4. an outside project that find_package(copas)s the installed tree and links copas::core;
#   5. every libFuzzer target, briefly (clang);
# and the release checks: the API reference and self-contained headers (docs), clang-format and
# clang-tidy (style), a smoke run of every benchmark (bench), a project that pulls copas-cpp in
# with FetchContent (subproject), and the shared libraries and Debian packages with a consumer
# built against the installed packages (shared).
# Ends with one line "N passed, N failed" over all suites; exits non-zero on any failure.
#
# Environment: COPAS_TEST_STAGES (default "normal docs style bench asan tsan consumer subproject
# shared fuzz"; docs, style and bench reuse the normal stage's build), COPAS_FUZZ_SECONDS (20),
# COPAS_JOBS (2, compilers at once), COPAS_TEST_JOBS (4, test processes at once: most of them
# wait on timers and peers, and the suite must pass with its machine loaded anyway).
#
# Debug information is line tables only (-g1): enough for every stack trace and sanitizer
# report, and a sixth less compile time than full -g.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh" || exit 1

stages=${COPAS_TEST_STAGES:-"normal docs style bench asan tsan consumer subproject shared fuzz"}
jobs=${COPAS_JOBS:-2}
test_jobs=${COPAS_TEST_JOBS:-4}
fuzz_seconds=${COPAS_FUZZ_SECONDS:-20}
passed=0
failed_output=$(mktemp); trap 'rm -f "$failed_output"' EXIT
failed=0
failures=()

note() { printf '\n=== %s (%s)\n' "$*" "$(date +%H:%M:%S)"; }

# run_ctest BUILD_DIR [ctest args...]: runs ctest and adds its counts to the totals.
run_ctest() {
  local dir=$1; shift
  local log="$dir/ctest.log"
  (cd "$dir" && ctest -j"$test_jobs" --output-on-failure --timeout 300 "$@") 2>&1 | tee "$log" | \
    grep -E "tests passed|tests failed|\*\*\*|Failed|Timeout" | tail -40
  local line total nfail
  line=$(grep -E "tests passed, [0-9]+ tests failed out of [0-9]+" "$log" | tail -1)
  if [ -z "$line" ]; then
    if grep -q "No tests were found" "$log"; then return 0; fi
    failures+=("$dir: ctest did not finish"); failed=$((failed + 1)); return 1
  fi
  total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
  nfail=$(sed -E 's/.*, ([0-9]+) tests failed.*/\1/' <<<"$line")
  passed=$((passed + total - nfail))
  failed=$((failed + nfail))
  [ "$nfail" -eq 0 ] || { failures+=("$dir: $nfail failed"); show_failed_output "$log" >>"$failed_output"; }
}

# show_failed_output LOG: what each failed test printed (ctest --output-on-failure puts it right
# after the test's result line), at most 60 lines per test. Printed again at the very end, where a
# CI log that keeps only its tail still says why.
show_failed_output() {
  awk '/\*\*\*(Failed|Timeout|Exception)|SEGFAULT|Subprocess aborted/ { shown = 0; on = 1; print "--- " $0; next }
       on && (/^ *Start +[0-9]+:/ || /^ *[0-9]+\/[0-9]+ Test +#/) { on = 0 }
       on && shown < 60 { print; shown++ }' "$1"
}

configure_and_build() {  # DIR [cmake args...]
  local dir=$1; shift
  mkdir -p "$dir"
  cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >"$dir/configure.log" 2>&1 \
    || { cat "$dir/configure.log"; return 1; }
  cmake --build "$dir" -j"$jobs" 2>&1 | grep -E "error:|FAILED:" | head -50
  return "${PIPESTATUS[0]}"
}

# run_tidy: clang-tidy (.clang-tidy) over the library sources, which include every public header,
# with the normal build's compile commands (-Wno-error: compiler warnings are the compilers'
# business, .clang-tidy leaves them out).
run_tidy() {
  run-clang-tidy-14 -quiet -j "$jobs" -p "$root/build/ci" -extra-arg=-Wno-error "$root/(core|net|sync|async|http|ftp|smtp)/src/.*\.cpp\$"
}

stage_times=()
for stage in $stages; do
  stage_start=$(date +%s)
  case $stage in
    normal)
      note "normal build (warnings are errors): all tests"
      if configure_and_build "$root/build/ci" -DCMAKE_INSTALL_PREFIX="$root/build/ci-install" -DCOPAS_WERROR=ON \
           -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG"; then
        # clang-tidy needs only the compile commands: it runs while the tests do (stage `style`).
        if [[ " $stages " == *" style "* ]]; then run_tidy >"$root/build/ci/clang-tidy.log" 2>&1 & tidy_pid=$!; fi
        run_ctest "$root/build/ci"
      else failures+=("normal build failed"); failed=$((failed + 1)); fi ;;
    asan)
      note "ASan+UBSan build: all tests"
      export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
      # -O1, as the sanitizers' documentation advises: a third less build time than -O2.
      if configure_and_build "$root/build/ci-asan" -DCOPAS_SANITIZE=address,undefined -DCOPAS_BUILD_BENCH=OFF \
           -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
           -DCOPAS_BUILD_EXAMPLES=OFF; then
        run_ctest "$root/build/ci-asan"
      else failures+=("asan build failed"); failed=$((failed + 1)); fi ;;
    tsan)
      note "TSan build: core, sync and async tests"
      export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
      if configure_and_build "$root/build/ci-tsan" -DCOPAS_SANITIZE=thread -DCOPAS_BUILD_BENCH=OFF -DCOPAS_BUILD_EXAMPLES=OFF \
           -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
           -DCOPAS_BUILD_TOOLS=OFF -DCOPAS_TEST_DIRS="core;sync;async"; then
        # Not under TSan (they run in the normal and ASan stages): death tests (a deliberate
        # SIGSEGV).
        run_ctest "$root/build/ci-tsan" -L "core|sync|async" -E "DeathTest"
      else failures+=("tsan build failed"); failed=$((failed + 1)); fi ;;
    consumer)
      note "consumer project: find_package(copas) and pkg-config against the installed tree"
      if [ -d "$root/build/ci" ] && cmake --install "$root/build/ci" --prefix "$root/build/ci-install" >/dev/null \
         && cmake -S "$root/tests/consumer" -B "$root/build/ci-consumer" -G Ninja \
              -DCMAKE_PREFIX_PATH="$root/build/ci-install" >/dev/null \
         && cmake --build "$root/build/ci-consumer" \
         && "$root/build/ci-consumer/consumer" \
         && c++ -o "$root/build/ci-consumer/consumer-pc" "$root/tests/consumer/main.cpp" \
              $(PKG_CONFIG_PATH="$(dirname "$(find "$root/build/ci-install" -name copas-core.pc)")" pkg-config --cflags --libs copas-core) \
         && LD_LIBRARY_PATH="$(dirname "$(find "$root/build/ci-install" -name 'libcopas_core.so*' | head -1)")" \
              "$root/build/ci-consumer/consumer-pc"; then
        passed=$((passed + 1)); echo "consumer: ok"
      else failures+=("consumer project"); failed=$((failed + 1)); fi ;;
    fuzz)
      note "libFuzzer targets, ${fuzz_seconds}s each"
      if CC=clang CXX=clang++ configure_and_build "$root/build/ci-fuzz" -DCOPAS_BUILD_FUZZ=ON \
           -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
           -DCOPAS_BUILD_TESTS=ON -DCOPAS_BUILD_TOOLS=OFF -DCOPAS_BUILD_BENCH=OFF -DCOPAS_BUILD_EXAMPLES=OFF \
           -DCOPAS_TEST_DIRS=fuzz; then
        # One target per core at a time: each is single-threaded.
        targets=()
        for f in "$root"/build/ci-fuzz/tests/fuzz/*_fuzz; do [ -x "$f" ] && targets+=("$f"); done
        for ((i = 0; i < ${#targets[@]}; i += jobs)); do
          pids=()
          for f in "${targets[@]:i:jobs}"; do
            corpus="$root/build/ci-fuzz/corpus/$(basename "$f")"; mkdir -p "$corpus"
            "$f" -max_total_time="$fuzz_seconds" -max_len=4096 -rss_limit_mb=2048 "$corpus" >"$f.log" 2>&1 &
            pids+=($!)
          done
          for k in "${!pids[@]}"; do
            f=${targets[i + k]}
            if wait "${pids[k]}"; then
              passed=$((passed + 1)); echo "$(basename "$f"): clean for ${fuzz_seconds}s"
            else
              failed=$((failed + 1)); failures+=("$(basename "$f")"); tail -30 "$f.log"
            fi
          done
        done
      else failures+=("fuzz build failed"); failed=$((failed + 1)); fi ;;
    docs)
      note "API reference (Doxygen, warnings are errors) and self-contained public headers"
      if cmake --build "$root/build/ci" --target docs && cmake --build "$root/build/ci" -j"$jobs" --target checkheaders \
           >"$root/build/ci/checkheaders.log" 2>&1; then
        passed=$((passed + 1)); echo "docs: clean; reference in build/ci/docs/html; checkheaders: ok"
      else grep -E "error|warning" "$root/build/ci/checkheaders.log" | head -30
        failures+=("docs or checkheaders"); failed=$((failed + 1)); fi ;;
    style)
      note "clang-format and clang-tidy (library sources and public headers)"
      if "$root/scripts/check-format.sh"; then passed=$((passed + 1))
      else failures+=("clang-format"); failed=$((failed + 1)); fi
      if [ -n "${tidy_pid:-}" ]; then wait "$tidy_pid"; tidy_rc=$?
      else run_tidy >"$root/build/ci/clang-tidy.log" 2>&1; tidy_rc=$?; fi
      if [ "$tidy_rc" -eq 0 ]; then
        passed=$((passed + 1)); echo "clang-tidy: no findings"
      else grep -E "(error|warning):" "$root/build/ci/clang-tidy.log" | sort -u | head -40
        failures+=("clang-tidy"); failed=$((failed + 1)); fi ;;
    bench)
      note "every benchmark once, tiny sizes (tools/bench/run-all.sh --smoke)"
      if "$root/tools/bench/run-all.sh" --smoke --build "$root/build/ci"; then passed=$((passed + 1))
      else failures+=("benchmark smoke run"); failed=$((failed + 1)); fi ;;
    subproject)
      note "a project that pulls copas-cpp in with FetchContent: the libraries alone, no GoogleTest"
      if cmake -S "$root/tests/consumer/fetchcontent" -B "$root/build/ci-subproject" -G Ninja \
           -DCOPAS_SOURCE_DIR="$root" >"$root/build/ci-subproject.log" 2>&1 \
         && cmake --build "$root/build/ci-subproject" -j"$jobs" --target consumer >>"$root/build/ci-subproject.log" 2>&1 \
         && "$root/build/ci-subproject/consumer"; then
        passed=$((passed + 1)); echo "subproject: ok"
      else tail -30 "$root/build/ci-subproject.log"; failures+=("FetchContent consumer"); failed=$((failed + 1)); fi ;;
    shared)
      note "shared libraries (exports, SONAME), Debian packages, consumer against the installed packages"
      if configure_and_build "$root/build/ci-shared" -DBUILD_SHARED_LIBS=ON -DCOPAS_WERROR=ON \
           -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
           -DCOPAS_BUILD_TESTS=OFF -DCOPAS_BUILD_BENCH=OFF -DCMAKE_INSTALL_PREFIX=/usr \
         && "$root/scripts/check-packages.sh" "$root/build/ci-shared"; then
        passed=$((passed + 1)); echo "shared: ok"
      else failures+=("shared libraries or packages"); failed=$((failed + 1)); fi ;;
    *) echo "unknown stage $stage"; exit 2 ;;
  esac
  stage_times+=("$stage $(($(date +%s) - stage_start))s")
done

echo
echo "stage times: ${stage_times[*]}"
cat "$failed_output"
for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
