// Opens the public API of a copas-cpp header: everything declared between this include and
// <copas/core/api_suffix.hpp> is exported from the shared libraries. The libraries are built with
// -fvisibility=hidden, so what a source file or a private header (src/) declares stays inside.
//
// A public header (any NAME/include/copas/...hpp) marks its API once, around its declarations and
// after its own #includes, so that the standard library and Boost keep their own visibility:
//
//   #pragma once
//   #include <string>
//   #include <copas/core/error.hpp>
//
//   #include <copas/core/api_prefix.hpp>
//   namespace copas { ... }
//   #include <copas/core/api_suffix.hpp>
//
// scripts/mark-public-api.sh adds the two lines to a header that lacks them, and the checkheaders
// target fails on a public header without them. No include guard, on purpose: each header opens
// and closes its own region (the pragmas nest).
#if defined(__GNUC__)
#pragma GCC visibility push(default)
#endif
