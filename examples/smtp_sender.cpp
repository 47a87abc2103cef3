// smtp_sender SERVER PORT FROM TO [SUBJECT] < body.txt: sends the text on stdin as one message.
//
//   $ python3 -m aiosmtpd -n -l 127.0.0.1:8025 &
//   $ echo 'Hello from copas-cpp.' | ./smtp_sender 127.0.0.1 8025 me@localhost you@localhost hi
//
// copas::smtp::message builds the MIME message (headers, the body, here plain text) as an ltn12
// source; copas::smtp::send runs the SMTP session, blocking only its fiber. On failure the
// result says which step failed, on which host and port, with the server's reply.
#include <copas/core.hpp>
#include <copas/smtp.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <string>

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: smtp_sender SERVER PORT FROM TO [SUBJECT] < body.txt\n");
    return 2;
  }
  std::string server = argv[1], from = argv[3], to = argv[4];
  auto port = static_cast<std::uint16_t>(std::atoi(argv[2]));
  std::string subject = argc > 5 ? argv[5] : "(no subject)";
  std::string body{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};

  copas::smtp::send_result sent;
  copas::loop([&] {
    sent = copas::smtp::send({
        .from = "<" + from + ">",  // the envelope: SMTP wants the angle brackets
        .rcpt = {"<" + to + ">"},
        .source = copas::smtp::message(
            {.headers = {{"from", from}, {"to", to}, {"subject", subject}}, .body = body}),
        .server = server,
        .port = port,
    });
  });
  if (!sent) {
    std::fprintf(stderr, "smtp_sender: %s\n", sent.describe().c_str());
    return 1;
  }
  std::printf("smtp_sender: sent %zu bytes to %s via %s:%u\n", body.size(), to.c_str(),
              server.c_str(), port);
}
