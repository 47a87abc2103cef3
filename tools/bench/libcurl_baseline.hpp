#pragma once
// What the benchmarks that measure against libcurl share: a wall clock in seconds, a body sink
// for curl, and the median of several interleaved runs.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <vector>

namespace copas::bench {

inline double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// CURLOPT_WRITEFUNCTION: the body is not what is measured.
inline std::size_t discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace copas::bench
