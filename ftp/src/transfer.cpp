// The transfer itself (LuaSocket's f:send and f:receive): the command on the control
// connection, the data through an ltn12 pump, the final reply.
#include "ftp_error.hpp"
#include "session_state.hpp"
#include "target.hpp"

#include <copas/ftp/errors.hpp>
#include <copas/net/url.hpp>

#include <stdexcept>

namespace copas::ftp {

using detail::ftp_error;

namespace detail {

std::optional<std::string> transfer_argument(const request& r) {
  std::string arg;
  if (r.argument) {
    arg = *r.argument;
  } else if (r.path) {
    std::string_view p(*r.path);
    if (!p.empty() && (p.front() == '/' || p.front() == '\\')) p.remove_prefix(1);
    arg = url::unescape(p);
  }
  if (arg.empty()) return std::nullopt;
  return arg;
}

}  // namespace detail

namespace {

// One receive buffer fill (net reads 64 KiB at a time): each chunk is one copy into a fresh
// string; larger requests only grow that string by reallocation.
constexpr std::size_t data_block = 64 * 1024;

// LuaSocket's socket.source("until-closed"): the server closing the connection is the normal
// end of the data.
ltn12::source until_closed(copas::socket data, std::uint64_t& counter) {
  return [data, &counter, done = false]() mutable -> result<ltn12::chunk> {
    if (done) return ltn12::chunk{};
    auto r = data.receivepartial(data_block);
    if (r) {
      counter += r->size();
      return ltn12::chunk(std::move(r).value());
    }
    copas::error err = r.error();  // taken before the data is moved out of r
    std::string partial = std::move(r).value_or_partial();
    if (err == copas::errc::closed) {
      done = true;
      data.close();
      if (partial.empty()) return ltn12::chunk{};
      counter += partial.size();
      return ltn12::chunk(std::move(partial));
    }
    // receivepartial returns fresh bytes with a "timeout"-coded error; no bytes is the failure.
    if (partial.empty()) return err;
    counter += partial.size();
    return ltn12::chunk(std::move(partial));
  };
}

// LuaSocket's socket.sink("close-when-done"): the end of the data closes the connection, which
// is how the server learns that the file is complete.
ltn12::sink close_when_done(copas::socket data, std::uint64_t& counter, bool& failed) {
  return [data, &counter, &failed](ltn12::chunk c,
                                   const std::optional<copas::error>&) mutable -> result<void> {
    if (!c) {
      data.close();
      return {};
    }
    auto sent = data.send(*c);
    if (!sent) {
      failed = true;
      counter += sent.value_or_partial();
      return sent.error();
    }
    counter += c->size();
    return {};
  };
}

const ltn12::pump::step_function& step_or_default(const ltn12::pump::step_function& s) {
  static const ltn12::pump::step_function plain = ltn12::pump::step;
  return s ? s : plain;
}

}  // namespace

result<tp::reply> session::state::begin_transfer(const request& r,
                                                 std::string_view default_command) {
  if (!pasvt && !server) return ftp_error(errc::need_port_or_pasv, "need port or pasv first");
  transferred = 0;
  if (pasvt) {
    if (auto ok = connect_data(); !ok) return ok.error();
  }
  ph = phase::transfer;
  auto arg = detail::transfer_argument(r);
  if (auto ok = tp.command(r.command.value_or(std::string(default_command)), arg); !ok)
    return ok.error();
  return tp.check({"1..", "2.."});
}

result<void> session::state::await_data() {
  if (pasvt) return {};
  if (auto ok = accept_data(); !ok) return ok;
  ph = phase::transfer;
  return {};
}

result<std::size_t> session::send(const request& r) {
  auto& st = *s_;
  if (!r.source) throw std::invalid_argument("ftp put: the request has no source");
  auto code = st.begin_transfer(r, "stor");
  if (!code) return code.error();
  if (auto ok = st.await_data(); !ok) return ok.error();
  bool data_failed = false;
  auto sink = close_when_done(st.data, st.transferred, data_failed);
  if (auto pumped = ltn12::pump::all(r.source, sink, step_or_default(r.step)); !pumped) {
    // Our source failed: reset the connection rather than close it, or the server would take
    // the truncated upload for the whole file.
    if (!data_failed) (void)st.data.setoption("linger", linger_option{true, 0});
    st.drop_data_channel();
    // A server that gives up on an upload says why on the control connection (552 quota, 426
    // aborted); that reply is a better error than the broken pipe.
    if (data_failed && code->code < 200) {
      if (auto why = st.tp.receive_reply(); why && why->code >= 400)
        return tp::unexpected(std::move(why->text));
    }
    return pumped.error();
  }
  st.drop_data_channel();
  if (code->code < 200) {
    if (auto done = st.tp.check("2.."); !done) return done.error();
  }
  return static_cast<std::size_t>(st.transferred);
}

result<void> session::receive(const request& r) {
  auto& st = *s_;
  if (!r.sink) throw std::invalid_argument("ftp get: the request has no sink");
  auto code = st.begin_transfer(r, "retr");
  if (!code) return code.error();
  if (code->code >= 200) {
    // No data connection after all: LuaSocket hands the reply text to the sink.
    st.drop_data_channel();
    if (auto ok = r.sink(code->text, std::nullopt); !ok) return ok.error();
    return r.sink(std::nullopt, std::nullopt);
  }
  if (auto ok = st.await_data(); !ok) return ok.error();
  auto pumped =
      ltn12::pump::all(until_closed(st.data, st.transferred), r.sink, step_or_default(r.step));
  st.drop_data_channel();
  if (!pumped) return pumped.error();
  // The data connection's end is not proof of a complete file: only the final reply is.
  if (auto done = st.tp.check("2.."); !done) return done.error();
  return {};
}

}  // namespace copas::ftp
