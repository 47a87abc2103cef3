// The stock sources, after LuaSocket 3.1.0's ltn12.lua.
#include <copas/net/ltn12/source.hpp>

#include "ltn12_owned_file.hpp"

#include <cerrno>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace copas::ltn12 {

source source::empty() {
  return [] { return result<chunk>(std::nullopt); };
}

source source::error(copas::error err) {
  return [err = std::move(err)]() -> result<chunk> { return err; };
}

source source::string(std::string s) {
  return [s = std::move(s), i = std::size_t{0}]() mutable -> result<chunk> {
    if (i >= s.size()) return std::nullopt;
    std::string c = s.substr(i, BLOCKSIZE);
    i += c.size();
    return c;
  };
}

source source::table(std::vector<std::string> t) {
  return [t = std::move(t), i = std::size_t{0}]() mutable -> result<chunk> {
    if (i >= t.size()) return std::nullopt;
    return t[i++];
  };
}

source source::file(std::FILE* handle, std::string io_err) {
  if (!handle)
    return source::error(
        copas::error(std::make_error_code(std::errc::io_error), std::move(io_err)));
  return [f = detail::own(handle)]() -> result<chunk> {
    if (!f->get()) return std::nullopt;
    std::string buf(BLOCKSIZE, '\0');
    const std::size_t n = std::fread(buf.data(), 1, buf.size(), f->get());
    if (n > 0) {
      buf.resize(n);
      return buf;
    }
    const bool failed = std::ferror(f->get()) != 0;
    const auto read_error = detail::owned_file::last_error();
    f->close();
    if (failed) return copas::error(read_error);
    return std::nullopt;
  };
}

source source::cat(std::vector<source> sources) {
  for (const auto& s : sources) {
    if (!s) throw std::invalid_argument("source::cat got an empty source");
  }
  return [srcs = std::move(sources), i = std::size_t{0}]() mutable -> result<chunk> {
    while (i < srcs.size()) {
      auto r = srcs[i]();
      if (!r) return r;
      if (*r) return r;
      ++i;
    }
    return std::nullopt;
  };
}

source source::chain(source src, filter f) {
  if (!src || !f) throw std::invalid_argument("source::chain needs a source and a filter");
  // The state machine of LuaSocket 3.1.0's source.chain: "feeding" pulls input until the filter
  // produces something; "eating" then drains the filter with "" (or nullopt once input ended).
  struct state {
    source src;
    filter f;
    bool feeding = true;
    bool input_ended = false;
    bool finished = false;  // Lua's `not last_out`
  };
  auto st = std::make_shared<state>(state{std::move(src), std::move(f)});
  return [st]() -> result<chunk> {
    auto& s = *st;
    if (s.finished) throw std::logic_error("source is empty!");
    while (true) {
      if (s.feeding) {
        auto in = s.src();
        if (!in) return in.error();
        s.input_ended = !*in;
        chunk out = s.f(std::move(*in));
        if (!out) {
          if (!s.input_ended) throw std::logic_error("filter returned inappropriate nil");
          s.finished = true;
          return std::nullopt;
        }
        if (!out->empty()) {
          s.feeding = false;
          return out;
        }
        // LuaSocket would re-read the ended source forever here.
        if (s.input_ended) throw std::logic_error("filter returned \"\"");
      } else {
        chunk out = s.f(s.input_ended ? chunk() : chunk(std::string()));
        if (out && out->empty()) {
          if (s.input_ended) throw std::logic_error("filter returned \"\"");
          s.feeding = true;
        } else if (!out) {
          if (!s.input_ended) throw std::logic_error("filter returned inappropriate nil");
          s.finished = true;
          return std::nullopt;
        } else {
          return out;
        }
      }
    }
  };
}

source source::simplify(fancy_source src) {
  if (!src) throw std::invalid_argument("source::simplify needs a source");
  return [src = std::move(src)]() mutable -> result<chunk> {
    auto r = src();
    if (!r) return r.error();
    // Lua: the new source is taken even when the chunk is nil.
    if (r->next) {
      auto next = std::move(r->next);
      src = [next]() -> result<fancy_chunk> {
        auto c = next();
        if (!c) return c.error();
        return fancy_chunk{std::move(*c), {}};
      };
    }
    return std::move(r->data);
  };
}

struct rewind_source::state {
  source src;
  std::vector<std::string> pushed;
};

rewind_source::rewind_source(source src) : state_(std::make_shared<state>()) {
  if (!src) throw std::invalid_argument("source::rewind needs a source");
  state_->src = std::move(src);
}

result<chunk> rewind_source::operator()() const {
  if (state_->pushed.empty()) return state_->src();
  std::string c = std::move(state_->pushed.back());
  state_->pushed.pop_back();
  return c;
}

void rewind_source::push(std::string c) const { state_->pushed.push_back(std::move(c)); }

rewind_source source::rewind(source src) { return rewind_source(std::move(src)); }

}  // namespace copas::ltn12
