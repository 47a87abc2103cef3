// copas-sendmail --server HOST[:PORT] --from ADDR --to ADDR [--to ADDR ...] [--subject TEXT]
//                [--attach FILE ...] [--user USER --password PASS] [--starttls | --smtps]
//                [--cacert FILE] [-k/--insecure] [-H 'Name: value' ...]
//
// The body is read from stdin and sent as text/plain (us-ascii as is, anything else as UTF-8
// quoted-printable). Header values that are not ASCII (a UTF-8 --subject) go as RFC 2047
// encoded-words; -H adds a header or replaces the one the tool would write (Message-ID, Date,
// X-Mailer, From, To, Subject). Exit 0 when the server accepted the message; 1 with the failure
// (step, host, port and the server's reply) on stderr otherwise; 2 for bad arguments.
#include <copas/core.hpp>
#include <copas/net.hpp>
#include <copas/net/ascii.hpp>
#include <copas/smtp.hpp>

#include "command_line.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

namespace smtp = copas::smtp;
namespace ltn12 = copas::ltn12;

namespace {

struct host_port {
  std::string host;
  std::optional<std::uint16_t> port;
};

// "host", "host:25", "[::1]:25", "::1" (a bare IPv6 address has no port).
std::optional<host_port> parse_server(const std::string& s) {
  host_port out;
  std::string rest;
  if (!s.empty() && s[0] == '[') {
    auto close = s.find(']');
    if (close == std::string::npos) return std::nullopt;
    out.host = s.substr(1, close - 1);
    rest = s.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') return std::nullopt;
  } else if (std::count(s.begin(), s.end(), ':') == 1) {
    out.host = s.substr(0, s.find(':'));
    rest = s.substr(s.find(':'));
  } else {
    out.host = s;
  }
  if (!rest.empty()) {
    auto digits = rest.substr(1);
    if (digits.empty() || digits.size() > 5 ||
        !std::all_of(digits.begin(), digits.end(), ::isdigit))
      return std::nullopt;
    int port = std::stoi(digits);
    if (port < 1 || port > 65535) return std::nullopt;
    out.port = static_cast<std::uint16_t>(port);
  }
  if (out.host.empty()) return std::nullopt;
  return out;
}

std::string bracketed(const std::string& addr) {
  return !addr.empty() && addr.front() == '<' ? addr : "<" + addr + ">";
}

bool is_ascii(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// The content type of an attachment, by its extension; octet-stream when unknown.
std::string content_type(const std::filesystem::path& file) {
  static const std::pair<const char*, const char*> types[] = {
      {".txt", "text/plain"},      {".html", "text/html"},      {".csv", "text/csv"},
      {".pdf", "application/pdf"}, {".zip", "application/zip"}, {".json", "application/json"},
      {".png", "image/png"},       {".jpg", "image/jpeg"},      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"}};
  auto ext = copas::ascii::lower(file.extension().string());
  for (auto& [e, t] : types)
    if (ext == e) return t;
  return "application/octet-stream";
}

smtp::part text_part(std::string body) {
  if (is_ascii(body)) {
    // Lines end in CRLF on the wire, whatever stdin used.
    auto normalized =
        ltn12::source::chain(ltn12::source::string(std::move(body)), copas::mime::normalize());
    return {.headers = {{"content-type", "text/plain; charset=us-ascii"}},
            .body = normalized,
            .zone = {}};
  }
  return smtp::quoted_printable("text/plain; charset=utf-8", std::move(body));
}

}  // namespace

int main(int argc, char** argv) {
  copas::tools::command_line args{"Send the text on stdin as a mail message over SMTP (copas-cpp)",
                                  "copas-sendmail"};
  std::string server, from, subject, user, password, cacert, domain = smtp::default_domain();
  std::vector<std::string> to, attach, extra_headers;
  bool starttls = false, smtps = false, insecure = false;
  double timeout = smtp::TIMEOUT;
  args.add("--server", server, "SMTP server, HOST[:PORT] (port 25, or 465 with --smtps)")
      .required();
  args.add("--from", from, "envelope sender and From: header").required();
  args.add("--to", to, "recipient (repeat for several)").required();
  args.add("--subject", subject, "Subject: header");
  args.add("--attach", attach, "file to attach (repeat for several)").existing_file();
  auto& u = args.add("--user", user, "AUTH user name");
  auto& pw = args.add("--password", password, "AUTH password");
  u.needs(pw);
  pw.needs(u);
  auto& st = args.flag("--starttls", starttls, "upgrade to TLS with STARTTLS (required)");
  auto& ss = args.flag("--smtps", smtps, "TLS from the start (implicit TLS, SMTPS)");
  st.excludes(ss);
  args.add("--cacert", cacert, "CA certificates (PEM) to verify the server with").existing_file();
  args.flag("-k,--insecure", insecure, "do not verify the server's certificate or name");
  args.add("--domain", domain, "EHLO name (default $SERVER_NAME or localhost)");
  args.add("--timeout", timeout, "seconds per network operation (default 60)");
  args.add("-H,--header", extra_headers,
           "extra header 'Name: value' (repeatable; replaces the default one)");
  if (auto status = args.parse(argc, argv)) return *status;

  auto where = parse_server(server);
  if (!where) {
    std::cerr << "copas-sendmail: invalid --server '" << server << "' (HOST[:PORT])\n";
    return 2;
  }
  std::string body(std::istreambuf_iterator<char>(std::cin), {});

  std::string to_header;
  for (auto& t : to) to_header += (to_header.empty() ? "" : ", ") + t;
  smtp::header_list headers = {{"from", from}, {"to", to_header}};
  if (!subject.empty()) headers.emplace_back("subject", subject);
  for (auto& h : extra_headers) {
    auto colon = h.find(':');
    if (colon == std::string::npos || colon == 0) {
      std::cerr << "copas-sendmail: invalid --header '" << h << "' (Name: value)\n";
      return 2;
    }
    std::string name = h.substr(0, colon), value = h.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    std::erase_if(headers, [&](auto& nv) { return copas::ascii::iequals(nv.first, name); });
    headers.emplace_back(std::move(name), std::move(value));
  }

  smtp::part msg;
  if (attach.empty()) {
    msg = text_part(std::move(body));
    msg.headers.insert(msg.headers.begin(), headers.begin(), headers.end());
  } else {
    smtp::multipart parts;
    parts.parts.push_back(text_part(std::move(body)));
    for (auto& file : attach) {
      std::filesystem::path path(file);
      parts.parts.push_back(smtp::attachment(path.filename().string(), content_type(path),
                                             ltn12::source::file(std::fopen(file.c_str(), "rb"))));
    }
    msg = {.headers = headers, .body = std::move(parts), .zone = {}};
  }

  smtp::params p{.from = bracketed(from), .source = smtp::message(std::move(msg))};
  for (auto& t : to) p.rcpt.push_back(bracketed(t));
  p.server = where->host;
  p.port = where->port.value_or(smtps ? smtp::SMTPS_PORT : smtp::PORT);
  p.domain = domain;
  p.timeout = timeout;
  if (!user.empty()) {
    p.user = user;
    p.password = password;
  }
  p.tls = smtps      ? smtp::security::smtps
          : starttls ? smtp::security::starttls
                     : smtp::security::none;
  copas::tls_params tls{.mode = "client"};
  tls.cafile = cacert;
  if (insecure) tls.verify = {"none"};
  p.tls_settings = tls;

  smtp::send_result result;
  copas::loop([&] { result = smtp::send(p); });
  if (!result) {
    std::cerr << "copas-sendmail: " << result.describe() << "\n";
    return 1;
  }
  return 0;
}
