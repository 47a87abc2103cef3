#pragma once
// copas::http::headers: an HTTP header list with case-insensitive names (LuaSocket's headers
// table, socket.headers.canonic).
//
//   copas::http::headers h{{"X-Trace", "1"}, {"accept", "text/plain"}};
//   h.set("Accept", "*/*");          // replaces "accept", whatever its case
//   if (auto v = h.get("x-trace")) ...
//
// Received headers have lower-case names (as LuaSocket returns them); repeated names are merged
// with ", " and a folded line is appended to the previous value with its leading whitespace.
// Headers you send keep your order and spelling, except that names LuaSocket knows are written
// in their canonical form (content-type -> Content-Type, etag -> ETag). LuaSocket lower-cases
// unknown names and sends them in hash order; copas-cpp keeps them as you wrote them.

#include <copas/net/header_names.hpp>

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <copas/core/api_prefix.hpp>

namespace copas::http {

class headers {
 public:
  using field = std::pair<std::string, std::string>;

  headers() = default;
  headers(std::initializer_list<field> fields);

  // The value of `name` (any case), or std::nullopt.
  std::optional<std::string> get(std::string_view name) const;
  const std::string* find(std::string_view name) const;
  bool contains(std::string_view name) const { return find(name) != nullptr; }

  // Replaces the value of `name` (keeping the position of the first one), or appends it.
  void set(std::string name, std::string value);
  // As LuaSocket merges a repeated received header: appends ", value" to an existing one.
  void merge(std::string name, std::string value);
  // Appends a field without looking for another of that name (a header list as received, or
  // a copy of a list already merged).
  void append(std::string name, std::string value) {
    fields_.emplace_back(std::move(name), std::move(value));
  }
  // Removes every field called `name`; returns how many went.
  std::size_t erase(std::string_view name);

  // Room for `n` fields without reallocating.
  void reserve(std::size_t n) { fields_.reserve(n); }
  std::size_t size() const noexcept { return fields_.size(); }
  bool empty() const noexcept { return fields_.empty(); }
  auto begin() const noexcept { return fields_.begin(); }
  auto end() const noexcept { return fields_.end(); }
  field& back() { return fields_.back(); }

  friend bool operator==(const headers&, const headers&) = default;

 private:
  std::vector<field> fields_;
};

// True when `a` and `b` are the same header name in any case.
inline bool same_name(std::string_view a, std::string_view b) noexcept {
  return header_names::same(a, b);
}

// LuaSocket's socket.headers.canonic: the canonical spelling of a known header name, e.g.
// "content-md5" -> "Content-MD5", "te" -> "TE"; `name` unchanged when unknown (header_names.hpp).
using header_names::canonic;

}  // namespace copas::http

#include <copas/core/api_suffix.hpp>
