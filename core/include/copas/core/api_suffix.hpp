// Closes the public API region opened by <copas/core/api_prefix.hpp>.
#if defined(__GNUC__)
#pragma GCC visibility pop
#endif
