// Demo section: an SMTP sink written as a fiber server (the way Copas handlers read), and
// copas::smtp::send delivering a multipart message with an attachment to it.
#include "section.hpp"

#include <copas/core.hpp>
#include <copas/net.hpp>
#include <copas/smtp.hpp>

#include <cstdio>
#include <stdexcept>
#include <string>

namespace {

// A minimal SMTP sink: answers each command, keeps the message, prints the conversation.
void smtp_sink(copas::socket client, std::string& stored) {
  auto say = [&](std::string reply) {
    client.send(reply + "\r\n");
    for (std::size_t nl; (nl = reply.find("\r\n")) != std::string::npos; reply.erase(0, nl + 2))
      std::printf("    S: %s\n", reply.substr(0, nl).c_str());
    std::printf("    S: %s\n", reply.c_str());
  };
  say("220 sink.localhost ESMTP copas demo sink");
  while (auto line = client.receive()) {
    std::printf("    C: %s\n", line->c_str());
    auto verb = line->substr(0, 4);
    if (verb == "EHLO")
      say("250-sink.localhost\r\n250 8BITMIME");
    else if (verb == "DATA") {
      say("354 end with <CRLF>.<CRLF>");
      while (auto data = client.receive()) {
        if (*data == ".") break;
        stored += (data->starts_with("..") ? data->substr(1) : *data) + "\r\n";
      }
      std::printf("    C: <%zu bytes of message>\n    C: .\n", stored.size());
      say("250 2.0.0 queued");
    } else if (verb == "QUIT") {
      say("221 2.0.0 bye");
      break;
    } else
      say("250 2.1.0 ok");
  }
}

}  // namespace

COPAS_DEMO_SECTION(80, "smtp: a message with an attachment sent to a fiber SMTP sink") {
  std::string stored;
  copas::smtp::send_result sent;
  copas::loop([&] {
    auto server = copas::bind("127.0.0.1", 0).value();
    auto port = server.getsockname().value().port;
    copas::addserver(server, [&, server](copas::socket c) mutable {
      copas::removeserver(server);
      smtp_sink(c, stored);
    });
    std::printf("  sink listening on 127.0.0.1:%u\n", port);
    sent = copas::smtp::send({
        .from = "<demo@localhost>",
        .rcpt = {"<alice@localhost>", "<bob@localhost>"},
        .source = copas::smtp::message(
            {.headers = {{"from", "demo@localhost"},
                         {"to", "alice@localhost, bob@localhost"},
                         {"subject", "copas-cpp demo"}},
             .body =
                 copas::smtp::multipart{.preamble = "This is a MIME message.",
                                        .parts = {{.headers = {{"content-type", "text/plain"}},
                                                   .body = "Hello from a fiber.\r\n"},
                                                  copas::smtp::attachment(
                                                      "numbers.bin", "application/octet-stream",
                                                      std::string("\x00\x01\x02\xff.\r\n.", 8))}}}),
        .server = "127.0.0.1",
        .port = port,
    });
  });
  if (!sent) throw std::runtime_error(sent.describe());
  std::printf("  smtp::send succeeded; the sink stored %zu bytes, attachment base64-encoded: %s\n",
              stored.size(), stored.find("AAEC/y4NCi4=") != std::string::npos ? "yes" : "no");
}
