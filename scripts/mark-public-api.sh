#!/usr/bin/env bash
# Marks the public API of every public header (NAME/include/copas/**.hpp, include/copas/*.hpp)
# for export from the shared libraries: adds #include <copas/core/api_prefix.hpp> before the
# header's first top-level namespace and #include <copas/core/api_suffix.hpp> at its end, to each
# header that declares a namespace and lacks them (see core/include/copas/core/api_prefix.hpp).
# Idempotent; prints the headers it changed. Run it after adding a public header.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
find ./*/include/copas include/copas -name '*.hpp' ! -name 'api_prefix.hpp' ! -name 'api_suffix.hpp' |
  sort | while read -r h; do
  grep -q '^namespace ' "$h" || continue
  grep -q 'copas/core/api_prefix.hpp' "$h" && continue
  awk '
    !done && /^namespace / { print "#include <copas/core/api_prefix.hpp>"; print ""; done = 1 }
    { print }
    END { print ""; print "#include <copas/core/api_suffix.hpp>" }' "$h" >"$h.tmp"
  mv "$h.tmp" "$h"
  echo "marked ${h#./}"
done
