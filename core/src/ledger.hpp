#pragma once
// The leak ledger's hooks inside core (see <copas/core/ledger.hpp>).

#include <copas/core/dispatcher.hpp>

#include <memory>

namespace copas::detail {

// The caller's caller's stack, for a fiber's creation site (thread_state::creation_site).
std::shared_ptr<const void> capture_creation_site();

// Writes the report of what is alive to the dispatcher's leak_report (nothing if nothing is).
void report_leaks(dispatcher::impl& d);

}  // namespace copas::detail
