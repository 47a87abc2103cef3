#pragma once
// copas::http: LuaSocket's http.request (and LuaSec's https) for Copas fibers, with keep-alive;
// an HTTP/1.1 server and the strict parsing a server or proxy needs.
#include <copas/http/body_sink.hpp>
#include <copas/http/errors.hpp>
#include <copas/http/headers.hpp>
#include <copas/http/pool.hpp>
#include <copas/http/proxy.hpp>
#include <copas/http/reader.hpp>
#include <copas/http/request.hpp>
#include <copas/http/server.hpp>
#include <copas/http/strict.hpp>
