#include <copas/http/pool.hpp>

#include <copas/core/time.hpp>

#include <poll.h>

#include <deque>
#include <map>

namespace copas::http::pool {

namespace {

struct idle_connection {
  socket s;
  clock::time_point since;
};

// One pool per OS thread: sockets belong to the dispatcher of the thread that made them.
struct state {
  options opts;
  std::map<std::string, std::deque<idle_connection>> idle;
  std::size_t opened = 0, reused = 0;
  ~state() {
    for (auto& [k, q] : idle)
      for (auto& c : q) c.s.close();
  }
};

state& here() {
  thread_local state s;
  return s;
}

// An idle keep-alive connection must have nothing to read: readable means the server closed it
// (or sent something unasked), and either way it cannot carry a new request.
bool still_usable(const socket& s) {
  int fd = s.getfd();
  if (fd < 0) return false;
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 0;
}

}  // namespace

void configure(const options& o) { here().opts = o; }

void clear() {
  for (auto& [k, q] : here().idle)
    for (auto& c : q) c.s.close();
  here().idle.clear();
}

std::size_t idle() {
  std::size_t n = 0;
  for (auto& [k, q] : here().idle) n += q.size();
  return n;
}

std::size_t opened() { return here().opened; }
std::size_t reused() { return here().reused; }
void count_open() { ++here().opened; }

std::optional<socket> take(const std::string& key) {
  auto& st = here();
  auto it = st.idle.find(key);
  if (it == st.idle.end()) return std::nullopt;
  auto limit =
      clock::now() - std::chrono::duration_cast<clock::duration>(seconds(st.opts.idle_timeout));
  while (!it->second.empty()) {
    auto c = std::move(it->second.back());  // most recent first: the likeliest to be alive
    it->second.pop_back();
    if (c.since >= limit && still_usable(c.s)) {
      ++st.reused;
      return std::move(c.s);
    }
    c.s.close();
  }
  st.idle.erase(it);
  return std::nullopt;
}

void put(const std::string& key, socket s) {
  auto& st = here();
  auto& q = st.idle[key];
  q.push_back({std::move(s), clock::now()});
  while (q.size() > st.opts.max_idle_per_key) {
    q.front().s.close();
    q.pop_front();
  }
}

}  // namespace copas::http::pool
