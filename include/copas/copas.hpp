#pragma once
// Everything copas-cpp offers. Link copas::copas, or include one module's umbrella and link
// only that module (copas::core, copas::net, ...).
#include <copas/async.hpp>
#include <copas/core.hpp>
#include <copas/ftp.hpp>
#include <copas/http.hpp>
#include <copas/net.hpp>
#include <copas/smtp.hpp>
#include <copas/sync.hpp>
