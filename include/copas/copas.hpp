#pragma once
// Everything copas-cpp offers. Link copas::copas, or include one module's umbrella and link
// only that module (copas::core, copas::net, ...).
#include <copas/core.hpp>
#if __has_include(<copas/net.hpp>)
#include <copas/net.hpp>
#endif
#if __has_include(<copas/sync.hpp>)
#include <copas/sync.hpp>
#endif
#if __has_include(<copas/async.hpp>)
#include <copas/async.hpp>
#endif
#if __has_include(<copas/http.hpp>)
#include <copas/http.hpp>
#endif
#if __has_include(<copas/ftp.hpp>)
#include <copas/ftp.hpp>
#endif
#if __has_include(<copas/smtp.hpp>)
#include <copas/smtp.hpp>
#endif
