#!/usr/bin/env bash
# The README's first command: install what is needed, build the demo, run it (loopback only).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
build="$root/build/demo"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCOPAS_BUILD_TESTS=OFF -DCOPAS_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" --target copas-demo
exec "$build/tools/demo/copas-demo"
