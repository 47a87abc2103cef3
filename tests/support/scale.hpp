#pragma once
// Tests that spawn very many fibers scale down under TSan, which gives every fiber a shadow state
// of about half a megabyte (100,000 fibers would need 50 GiB and more). Everywhere else the full
// count runs.

constexpr int copas_test_scale(int n) {
#if defined(__SANITIZE_THREAD__)
  return n / 100;
#else
  return n;
#endif
}
