#pragma once
// The Copas release whose behaviour copas-cpp reproduces, and the description string.

namespace copas {
inline constexpr const char* VERSION = "Copas 4.11.0";
inline constexpr const char* DESCRIPTION = "Coroutine Oriented Portable Asynchronous Services";
}  // namespace copas
