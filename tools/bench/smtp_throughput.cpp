// bench_smtp_throughput: 1,000 messages of 10 KiB sent by 10 fibers to one local aiosmtpd
// (tests/smtp/smtp_server.py), one SMTP session per message as smtp.send does; beside it, in
// the same run and against the same server, Python's smtplib doing the same with 10 threads.
// Prints messages/s for both and the ratio.
//
//   bench_smtp_throughput [TOTAL=1000] [WORKERS=10]
#include "../../tests/smtp/aiosmtpd.hpp"

#include <copas/core.hpp>
#include <copas/smtp.hpp>

#include <cstdio>
#include <memory>
#include <string>

namespace {

std::string bench_message() {
  std::string line = std::string(78, 'x') + "\r\n";
  std::string msg = "Subject: bench\r\n\r\n";
  for (std::size_t i = 0; i < (10240 - 18) / line.size(); ++i) msg += line;
  return msg;
}

double copas_rate(std::uint16_t port, int total, int workers) {
  const std::string msg = bench_message();
  int failures = 0;
  auto start = copas::clock::now();
  copas::loop([&] {
    for (int w = 0; w < workers; ++w) {
      copas::addthread([&] {
        for (int i = 0; i < total / workers; ++i) {
          auto r = copas::smtp::send({.from = "<bench@localhost>",
                                      .rcpt = "<sink@localhost>",
                                      .source = copas::ltn12::source::string(msg),
                                      .server = "127.0.0.1",
                                      .port = port});
          if (!r) {
            if (++failures == 1) std::fprintf(stderr, "send failed: %s\n", r.describe().c_str());
          }
        }
      });
    }
  });
  double seconds = copas::to_seconds(copas::clock::now() - start);
  if (failures) std::fprintf(stderr, "%d sends failed\n", failures);
  return total / seconds;
}

double smtplib_rate(std::uint16_t port, int total, int workers) {
  std::string cmd = std::string(COPAS_PYTHON3) + " " + COPAS_SMTPLIB_SCRIPT + " " +
                    std::to_string(port) + " " + std::to_string(total) + " " +
                    std::to_string(workers);
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  double rate = 0;
  if (!p || std::fscanf(p.get(), "%lf", &rate) != 1) return 0;
  return rate;
}

}  // namespace

int main(int argc, char** argv) {
  int total = argc > 1 ? std::stoi(argv[1]) : 1000;
  int workers = argc > 2 ? std::stoi(argv[2]) : 10;
  copas::test::aiosmtpd server;
  double ours = copas_rate(server.port(), total, workers);
  double theirs = smtplib_rate(server.port(), total, workers);
  std::printf("smtp: %d messages of 10 KiB, %d concurrent senders, one aiosmtpd on 127.0.0.1\n",
              total, workers);
  std::printf("  copas::smtp::send (fibers)   %8.1f messages/s\n", ours);
  std::printf("  python smtplib (threads)     %8.1f messages/s   (baseline)\n", theirs);
  std::printf("  ratio copas/smtplib          %8.2f\n", theirs > 0 ? ours / theirs : 0.0);
  return ours > 0 && theirs > 0 ? 0 : 1;
}
