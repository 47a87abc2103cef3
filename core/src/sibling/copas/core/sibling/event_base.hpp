#pragma once
// For copas's own libraries only: the calling thread's dispatcher's libevent event_base, which
// net's DNS resolver (evdns) runs on. Not installed: net/CMakeLists.txt puts this directory on
// net's private include path; no application sees it.
//
// Why this shape: evdns needs an event_base, and nothing else does now that every fd wait goes
// through <copas/core/fd_wait.hpp>. A dispatcher member (the old dispatcher::base()) made
// libevent part of every application's API; a private header of core that a sibling library
// includes keeps it between copas's own modules, which are built and versioned together. The
// function is exported from the shared library (copas:: symbols are) only so that net can link
// to it.

struct event_base;

#include <copas/core/api_prefix.hpp>

namespace copas::detail {

// The calling thread's dispatcher's base (the dispatcher is created on first use). Use on this
// thread only, for as long as the dispatcher lives.
event_base* sibling_event_base();

}  // namespace copas::detail

#include <copas/core/api_suffix.hpp>
