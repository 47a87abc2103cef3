// The leak ledger's records and its report at dispatcher end.
#include "ledger.hpp"

#include "dispatcher_impl.hpp"
#include "traceback.hpp"

#include <copas/core/ledger.hpp>

#include <boost/stacktrace.hpp>

#include <iostream>
#include <mutex>
#include <sstream>
#include <unordered_set>

namespace copas {

struct ledger::entry::record {
  const dispatcher::impl* owner;
  const char* what;
  const socket_ref* named;
  std::string label;
  boost::stacktrace::stacktrace site;
};

namespace {

// Process-wide: an offload job may be released on a worker thread.
struct registry {
  std::mutex m;
  std::unordered_set<ledger::entry::record*> records;
};

registry& all() {
  // Never destroyed: a detached pool worker may release an offload job (and so its entry) while
  // the process runs its static destructors (TSan saw exactly that race at exit).
  static registry* r = new registry();
  return *r;
}

// Frames of the creation stack past the ledger's own, enough to find the caller's line.
constexpr std::size_t site_frames = 16;

std::string indented(const std::string& stack) {
  // format_stack's "stack traceback:\n\t<frame>..." as the report's "\n      <frame>..."
  std::string out;
  auto start = stack.find('\n');
  if (start == std::string::npos) return out;
  for (char c : stack.substr(start)) {
    if (c == '\t')
      out += "      ";
    else
      out += c;
  }
  return out;
}

}  // namespace

namespace detail {

std::shared_ptr<const void> capture_creation_site() {
  return std::make_shared<const boost::stacktrace::stacktrace>(2, site_frames);
}

void report_leaks(dispatcher::impl& d) {
  std::ostringstream out;
  std::size_t n = 0;
  for (thread_state* s = d.live_head; s; s = s->live_next) {
    if (s->is_driver) continue;
    ++n;
    out << "\n  fiber '" << s->display_name() << "' created at";
    if (s->creation_site)
      out << indented(
          format_stack(*static_cast<const boost::stacktrace::stacktrace*>(s->creation_site.get())));
  }
  {
    auto& r = all();
    std::lock_guard lock(r.m);
    for (auto* rec : r.records) {
      if (rec->owner != &d) continue;
      ++n;
      out << "\n  " << rec->what;
      if (rec->named)
        out << " '" << rec->named->socket_name() << "'";
      else if (!rec->label.empty())
        out << " '" << rec->label << "'";
      out << " created at" << indented(format_stack(rec->site));
    }
  }
  if (n == 0) return;
  std::string text =
      "copas: leak ledger: " + std::to_string(n) + " alive at dispatcher end" + out.str();
  if (d.options.leak_report)
    d.options.leak_report(text);
  else
    std::cerr << text << std::endl;
}

}  // namespace detail

ledger::entry::entry(const char* what, const socket_ref* named) : entry(what, named, {}) {}

ledger::entry::entry(const char* what, std::string label)
    : entry(what, nullptr, std::move(label)) {}

ledger::entry::entry(const char* what, const socket_ref* named, std::string label) {
  auto& d = detail::current_impl();
  if (!d.ledger_on) return;
  record_ =
      new record{&d, what, named, std::move(label), boost::stacktrace::stacktrace(2, site_frames)};
  auto& r = all();
  std::lock_guard lock(r.m);
  r.records.insert(record_);
}

ledger::entry::~entry() {
  if (!record_) return;
  {
    auto& r = all();
    std::lock_guard lock(r.m);
    r.records.erase(record_);
  }
  delete record_;
}

}  // namespace copas
