#pragma once
// copas::ltn12: LuaSocket's LTN12 sources, sinks, filters and pumps, the plumbing every
// protocol client moves bodies with.
//
//   std::vector<std::string> parts;
//   auto ok = copas::ltn12::pump::all(
//       copas::ltn12::source::string("hello"),
//       copas::ltn12::sink::chain(copas::mime::encode("base64"),
//       copas::ltn12::sink::table(parts)));
//   // parts joined == "aGVsbG8="
#include <copas/net/ltn12/chunk.hpp>
#include <copas/net/ltn12/filter.hpp>
#include <copas/net/ltn12/pump.hpp>
#include <copas/net/ltn12/sink.hpp>
#include <copas/net/ltn12/source.hpp>
