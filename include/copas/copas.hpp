#pragma once
// Everything copas-cpp offers. Link copas::copas, or include one module's umbrella and link
// only that module (copas::core, copas::net, ...).
#include <copas/core.hpp>
#include <copas/net.hpp>
#include <copas/sync.hpp>
#include <copas/async.hpp>
#include <copas/http.hpp>
#include <copas/ftp.hpp>
#include <copas/smtp.hpp>
