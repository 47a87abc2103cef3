#!/usr/bin/env bash
# check-format.sh [--fix] [--all]: checks every C++ file git tracks against .clang-format and
# names each file clang-format would change (exit 1), or with --fix reformats them.
#
# Files listed in scripts/format-pending.txt are skipped: they predate .clang-format and are
# reformatted in one go once no branch is changing them (`scripts/check-format.sh --fix --all`
# reformats them too and empties the list; commit the result).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
fix=0 all=0
for a in "$@"; do
  case $a in
    --fix) fix=1 ;;
    --all) all=1 ;;
    *) echo "usage: $0 [--fix] [--all]" >&2; exit 2 ;;
  esac
done
format=$(command -v clang-format-14 || command -v clang-format)
pending=scripts/format-pending.txt
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h' '*.cc')
if [ "$all" -eq 0 ] && [ -f "$pending" ]; then
  mapfile -t files < <(printf '%s\n' "${files[@]}" | grep -vxF -f <(grep -vE '^\s*(#|$)' "$pending") || true)
fi
if [ "$fix" -eq 1 ]; then
  printf '%s\n' "${files[@]}" | xargs -r -P2 -n20 "$format" -i
  [ "$all" -eq 1 ] && [ -f "$pending" ] && sed -i '/^[^#]/d' "$pending"
  echo "check-format: formatted ${#files[@]} files"
  exit 0
fi
bad=()
for f in "${files[@]}"; do
  "$format" --dry-run -Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
  printf 'check-format: not formatted (scripts/check-format.sh --fix): %s\n' "${bad[@]}"
  exit 1
fi
echo "check-format: ${#files[@]} files clean"
