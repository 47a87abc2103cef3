#include "debug_socket.hpp"

#include <copas/net/debug_socket.hpp>

#include <cmath>
#include <cstdio>

namespace copas {

namespace detail {

namespace {
constexpr std::size_t shown = 30;  // Copas cuts logged strings here
int calls = 0;

void emit(socket_impl& s, const std::string& line) {
  if (*s.debug_log)
    (*s.debug_log)(line);
  else
    std::printf("%s\n", line.c_str());
}
}  // namespace

int next_call_id() { return ++calls; }

std::string describe(std::string_view text) {
  std::string out = "'" + std::string(text.substr(0, shown)) + "'";
  if (text.size() > shown) out += "(...truncated)";
  return out + " (string #" + std::to_string(text.size()) + ")";
}

std::string describe(double number) {
  char buf[64];
  if (std::isinf(number))
    std::snprintf(buf, sizeof buf, "'%s' (number)", number > 0 ? "inf" : "-inf");
  else
    std::snprintf(buf, sizeof buf, "'%.14g' (number)", number);
  return buf;
}

std::string describe_nil() { return "'nil' (nil)"; }

std::vector<described> describe_result(const result<void>& r) {
  if (r) return {{"1", describe(1)}};
  return {{"1", describe_nil()}, {"2", describe(r.error().message())}};
}

std::vector<described> describe_result(bool r) {
  return {{"1", r ? "'true' (boolean)" : "'false' (boolean)"}};
}

std::vector<described> describe_result(const send_result& r) {
  if (r) return {{"last-idx-send", describe(static_cast<double>(r.value()))}};
  return {{"last-idx-send", describe_nil()},
          {"error", describe(r.error().message())},
          {"err-last-idx-send", describe(static_cast<double>(r.value_or_partial()))}};
}

std::vector<described> describe_result(const receive_result& r) {
  if (r) return {{"received", describe(*r)}};
  return {{"received", describe_nil()},
          {"error", describe(r.error().message())},
          {"partial data", describe(r.partial())}};
}

void log_calling(socket_impl& s, int id, std::string_view method,
                 std::initializer_list<described> args) {
  emit(s, std::to_string(id) + "-calling '" + std::string(method) + "' with; ");
  for (auto& [name, value] : args) emit(s, "\t" + std::string(name) + ": " + value);
}

void log_results(socket_impl& s, int id, std::string_view method,
                 const std::vector<described>& res) {
  emit(s, std::to_string(id) + "-results '" + std::string(method) + "' returned; ");
  for (auto& [name, value] : res) emit(s, "\t" + std::string(name) + ": " + value);
}

}  // namespace detail

copas::socket debug::socket(copas::socket s, logger log) {
  if (!s.impl()) throw std::invalid_argument("expected a socket");
  s.impl()->debug_log = std::make_shared<logger>(std::move(log));
  return s;
}

}  // namespace copas
