#!/usr/bin/env bash
# check-packages.sh BUILD_DIR: the release checks on a BUILD_SHARED_LIBS=ON build configured with
# CMAKE_INSTALL_PREFIX=/usr (scripts/test.sh, stage `shared`):
#   1. every shared library has a versioned SONAME (readelf -d) and exports only the copas::
#      public API (nm -D --defined-only);
#   2. cpack builds libcopas-cpp, libcopas-cpp-dev and copas-tools; their dependencies are
#      installed Debian packages (dpkg --dry-run when root);
#   3. the packages are unpacked into a clean prefix, and tests/consumer is built against it
#      with find_package(copas) and with pkg-config, and run; the tools and their man pages are
#      there, and the tools run.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
fail() { echo "check-packages: $*" >&2; exit 1; }

version=$(sed -nE 's/^CMAKE_PROJECT_VERSION:STATIC=(.*)/\1/p' "$build/CMakeCache.txt")
major=${version%%.*}; rest=${version#*.}; minor=${rest%%.*}
soversion=$major; [ "$major" = 0 ] && soversion=$major.$minor

# 1. SONAME and exported symbols.
libs=("$build"/*/libcopas_*.so)
[ -e "${libs[0]}" ] || fail "no shared libraries in $build (BUILD_SHARED_LIBS=ON?)"
for lib in "${libs[@]}"; do
  name=$(basename "$lib")
  soname=$(readelf -d "$lib" | sed -nE 's/.*\(SONAME\).*\[(.*)\]/\1/p')
  [ "$soname" = "$name.$soversion" ] || fail "$name: SONAME '$soname', expected '$name.$soversion'"
  # Demangled names of what the library defines: functions and objects of namespace copas (with
  # their return type for templates), and the vtables, typeinfo and thunks of copas classes.
  foreign=$(nm -DC --defined-only "$lib" | cut -d' ' -f3- |
    grep -vE '^((typeinfo( name)?|vtable|VTT|construction vtable|guard variable|(non-)?virtual thunk|covariant return thunk) (for|to) )?([^ ]+ )?copas::' || true)
  if [ -n "$foreign" ]; then
    echo "$foreign" | head -20 >&2
    fail "$name exports symbols outside namespace copas ($(echo "$foreign" | wc -l))"
  fi
  echo "check-packages: $name: SONAME $soname, $(nm -D --defined-only "$lib" | wc -l) symbols, all copas::"
done

# 2. The packages.
rm -f "$build"/*.deb
(cd "$build" && cpack -G DEB >"$build/cpack.log" 2>&1) || { tail -20 "$build/cpack.log"; fail "cpack failed"; }
debs=()
for p in libcopas-cpp libcopas-cpp-dev copas-tools; do
  deb=$(ls "$build"/${p}_*.deb 2>/dev/null | head -1)
  [ -n "$deb" ] || fail "no package $p"
  debs+=("$deb")
  echo "check-packages: $(basename "$deb"): Depends: $(dpkg-deb -f "$deb" Depends)"
done
dpkg-deb -f "$build"/libcopas-cpp-dev_*.deb Depends | grep -q "libcopas-cpp (= $version" \
  || fail "libcopas-cpp-dev does not depend on libcopas-cpp (= $version)"
dpkg-deb -f "$build"/copas-tools_*.deb Depends | grep -q "libcopas-cpp (= $version" \
  || fail "copas-tools does not depend on libcopas-cpp (= $version)"
if [ "$(id -u)" -eq 0 ]; then
  dpkg --dry-run -i "${debs[@]}" >"$build/dpkg-dry-run.log" 2>&1 \
    || { cat "$build/dpkg-dry-run.log"; fail "the packages' dependencies are not satisfiable"; }
fi

# 3. A clean prefix with the three packages unpacked, and the consumer built against it.
prefix=$build/package-root
rm -rf "$prefix" "$build/package-consumer"
for deb in "${debs[@]}"; do dpkg-deb -x "$deb" "$prefix"; done
libdir=$(dirname "$(find "$prefix/usr/lib" -name 'libcopas_core.so' | head -1)")
export LD_LIBRARY_PATH=$libdir
cmake -S "$root/tests/consumer" -B "$build/package-consumer" -G Ninja \
  -DCMAKE_PREFIX_PATH="$prefix/usr" >"$build/package-consumer.log" 2>&1 \
  && cmake --build "$build/package-consumer" >>"$build/package-consumer.log" 2>&1 \
  || { tail -30 "$build/package-consumer.log"; fail "consumer does not build against the packages"; }
ldd "$build/package-consumer/consumer" | grep -q "$libdir/libcopas_core.so.$soversion" \
  || fail "consumer is not linked to the packaged libcopas_core.so.$soversion"
"$build/package-consumer/consumer" && "$build/package-consumer/consumer_all" \
  || fail "consumer built against the packages fails"
# pkg-config: the .pc files find their prefix from where they are (${pcfiledir}).
c++ -std=c++20 -o "$build/package-consumer/consumer-pc" "$root/tests/consumer/main.cpp" \
  $(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --cflags --libs copas-core) \
  && "$build/package-consumer/consumer-pc" || fail "pkg-config consumer against the packages fails"
for tool in copas-fetch copas-proxy copas-sendmail copas-echo; do
  [ -f "$prefix/usr/share/man/man1/$tool.1" ] || [ -f "$prefix/usr/share/man/man1/$tool.1.gz" ] \
    || fail "no man page for $tool in copas-tools"
  "$prefix/usr/bin/$tool" --help >/dev/null || fail "$tool --help fails from the package"
done
echo "check-packages: ${#debs[@]} packages build, install into a clean prefix and serve the consumer"
