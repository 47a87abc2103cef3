#include <copas/http/headers.hpp>

#include <algorithm>

namespace copas::http {

headers::headers(std::initializer_list<field> fields) {
  for (auto& f : fields) set(f.first, f.second);
}

const std::string* headers::find(std::string_view name) const {
  for (auto& f : fields_)
    if (same_name(f.first, name)) return &f.second;
  return nullptr;
}

std::optional<std::string> headers::get(std::string_view name) const {
  if (auto* v = find(name)) return *v;
  return std::nullopt;
}

void headers::set(std::string name, std::string value) {
  for (auto& f : fields_)
    if (same_name(f.first, name)) {
      f.second = std::move(value);
      return;
    }
  fields_.emplace_back(std::move(name), std::move(value));
}

void headers::merge(std::string name, std::string value) {
  for (auto& f : fields_)
    if (same_name(f.first, name)) {
      f.second += ", ";
      f.second += value;
      return;
    }
  fields_.emplace_back(std::move(name), std::move(value));
}

std::size_t headers::erase(std::string_view name) {
  return std::erase_if(fields_, [&](const field& f) { return same_name(f.first, name); });
}

}  // namespace copas::http
