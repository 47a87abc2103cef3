#pragma once
// copas::http: LuaSocket's http.request (and LuaSec's https) for Copas fibers, with keep-alive.
#include <copas/http/body_sink.hpp>
#include <copas/http/errors.hpp>
#include <copas/http/headers.hpp>
#include <copas/http/pool.hpp>
#include <copas/http/reader.hpp>
#include <copas/http/request.hpp>
