// The net load benchmark: ping-pong echo over N loopback connections against copas-echo and, in
// the same run, against a raw libevent callback echo server (net_raw_echo.cpp). Each figure is
// printed beside the baseline's, as a ratio.
//
//   bench_net_load [--seconds 2] [--runs R] [--only TEXT]
//
// R runs of each row alternate the two servers (so that machine noise hits both alike) and each
// figure is the median of its R values (default 5; odd is best); TEXT keeps only the rows whose
// name contains it.
//
// The load generator (plain epoll, this process) runs on CPU 0, each server on CPU 1. Server CPU
// per message is user+sys time from /proc/PID/stat over the measured window divided by the
// messages echoed in it.
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using clk = std::chrono::steady_clock;

void pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu % static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)), &set);
  sched_setaffinity(0, sizeof set, &set);
}

struct server_proc {
  pid_t pid = -1;
  int port = 0;
};

// Starts a server pinned to `cpu` and reads its "listening on HOST:PORT" line.
server_proc start(std::vector<std::string> argv, int cpu) {
  int out[2];
  if (pipe(out) != 0) std::exit(1);
  pid_t pid = fork();
  if (pid == 0) {
    pin(cpu);
    dup2(out[1], 1);
    close(out[0]);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  std::string line;
  char ch;
  while (read(out[0], &ch, 1) == 1 && ch != '\n') line += ch;
  close(out[0]);
  server_proc p;
  p.pid = pid;
  auto colon = line.rfind(':');
  if (colon == std::string::npos) {
    std::fprintf(stderr, "server %s did not start: '%s'\n", argv[0].c_str(), line.c_str());
    std::exit(1);
  }
  p.port = std::atoi(line.c_str() + colon + 1);
  return p;
}

void stop(server_proc& p) {
  kill(p.pid, SIGTERM);
  waitpid(p.pid, nullptr, 0);
}

double cpu_seconds(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(f)), {});
  std::istringstream in(all.substr(all.rfind(')') + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

struct client {
  int fd = -1;
  SSL* ssl = nullptr;
  std::string out;
  std::size_t got = 0;  // bytes of the current message received
  // Bytes written and not yet read back. An echo server sends nothing else, so a connection with
  // none outstanding is not read: without this rule every wake-up ended in one more read() (or
  // SSL_read) that could only say EAGAIN, which made the generator, not the server, the
  // bottleneck (measured: generator 100 % of its CPU, the servers 75-85 % of theirs).
  std::size_t unechoed = 0;
  std::deque<clk::time_point> sent;
};

struct figures {
  double msgs_per_s = 0;
  double p99_us = 0;
  double cpu_us_per_msg = 0;
};

bool flush(client& c) {
  while (!c.out.empty()) {
    ssize_t n;
    if (c.ssl) {
      n = SSL_write(c.ssl, c.out.data(), static_cast<int>(c.out.size()));
      if (n <= 0) {
        int e = SSL_get_error(c.ssl, static_cast<int>(n));
        return e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ;
      }
    } else {
      n = write(c.fd, c.out.data(), c.out.size());
      if (n < 0) return errno == EAGAIN;
    }
    c.out.erase(0, static_cast<std::size_t>(n));
    c.unechoed += static_cast<std::size_t>(n);
  }
  return true;
}

figures run(int port, int conns, std::size_t size, int inflight, double seconds, pid_t server,
            SSL_CTX* tls) {
  int ep = epoll_create1(0);
  std::vector<client> cs(static_cast<std::size_t>(conns));
  const std::string msg(size, 'm');
  for (auto& c : cs) {
    c.fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(static_cast<std::uint16_t>(port));
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(c.fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0) {
      std::perror("connect");
      std::exit(1);
    }
    int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (tls) {
      c.ssl = SSL_new(tls);
      SSL_set_fd(c.ssl, c.fd);
      if (SSL_connect(c.ssl) != 1) {
        std::fprintf(stderr, "TLS handshake failed\n");
        std::exit(1);
      }
    }
    fcntl(c.fd, F_SETFL, O_NONBLOCK);
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
    ev.data.ptr = &c;
    epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
  }
  const auto warm = clk::now() + std::chrono::milliseconds(300);
  const auto end =
      warm + std::chrono::duration_cast<clk::duration>(std::chrono::duration<double>(seconds));
  for (auto& c : cs)
    for (int i = 0; i < inflight; ++i) {
      c.out += msg;
      c.sent.push_back(clk::now());
    }
  for (auto& c : cs) flush(c);
  std::vector<double> lat;
  lat.reserve(1 << 20);
  std::size_t done = 0;
  double cpu0 = -1;
  std::vector<epoll_event> evs(1024);
  std::vector<char> buf(256 * 1024);
  for (;;) {
    auto now = clk::now();
    if (cpu0 < 0 && now >= warm) cpu0 = cpu_seconds(server);
    if (now >= end) break;
    int n = epoll_wait(ep, evs.data(), static_cast<int>(evs.size()), 100);
    for (int i = 0; i < n; ++i) {
      auto& c = *static_cast<client*>(evs[static_cast<std::size_t>(i)].data.ptr);
      while (c.unechoed > 0) {
        ssize_t r = c.ssl ? SSL_read(c.ssl, buf.data(), static_cast<int>(buf.size()))
                          : read(c.fd, buf.data(), buf.size());
        if (r <= 0) break;
        c.got += static_cast<std::size_t>(r);
        c.unechoed -= std::min(c.unechoed, static_cast<std::size_t>(r));
        auto t = clk::now();
        while (c.got >= size) {
          c.got -= size;
          if (t >= warm && cpu0 >= 0) {
            ++done;
            lat.push_back(std::chrono::duration<double, std::micro>(t - c.sent.front()).count());
          }
          c.sent.pop_front();
          c.out += msg;
          c.sent.push_back(t);
        }
      }
      flush(c);
    }
  }
  double cpu = cpu_seconds(server) - cpu0;
  for (auto& c : cs) {
    if (c.ssl) SSL_free(c.ssl);
    close(c.fd);
  }
  close(ep);
  figures f;
  f.msgs_per_s = static_cast<double>(done) / seconds;
  if (!lat.empty()) {
    std::nth_element(lat.begin(), lat.begin() + static_cast<long>(lat.size() * 99 / 100),
                     lat.end());
    f.p99_us = lat[lat.size() * 99 / 100];
  }
  f.cpu_us_per_msg = done ? cpu * 1e6 / static_cast<double>(done) : 0;
  usleep(200000);  // let the servers see the closes before the next row
  return f;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Figure by figure, the median over several runs.
figures median_of(const std::vector<figures>& runs) {
  std::vector<double> rate, p99, cpu;
  for (const auto& f : runs) {
    rate.push_back(f.msgs_per_s);
    p99.push_back(f.p99_us);
    cpu.push_back(f.cpu_us_per_msg);
  }
  return {median(rate), median(p99), median(cpu)};
}

long rss_kib(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return 0;
}

// Opens `n` connections to `port` (TLS when ctx is set), one 1-byte echo each (handshakes and
// TLS 1.3 tickets done), and leaves them idle.
struct idle_conns {
  std::vector<int> fds;
  std::vector<SSL*> ssls;
  idle_conns(int port, int n, SSL_CTX* ctx) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < n; ++i) {
      int fd = socket(AF_INET, SOCK_STREAM, 0);
      if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        std::perror("idle connection");
        std::exit(1);
      }
      char c = 'x';
      if (ctx) {
        SSL* ssl = SSL_new(ctx);
        SSL_set_fd(ssl, fd);
        if (SSL_connect(ssl) != 1 || SSL_write(ssl, &c, 1) != 1 || SSL_read(ssl, &c, 1) != 1) {
          std::fprintf(stderr, "TLS connection %d failed\n", i);
          std::exit(1);
        }
        ssls.push_back(ssl);
      } else if (write(fd, &c, 1) != 1 || read(fd, &c, 1) != 1) {
        std::exit(1);
      }
      fds.push_back(fd);
    }
  }
  ~idle_conns() {
    for (auto* ssl : ssls) SSL_free(ssl);
    for (int fd : fds) close(fd);
  }
};

// KiB of server RSS per idle connection: `n` idle connections, measured after they settled.
double idle_kib_per_conn(int port, pid_t pid, int n, SSL_CTX* ctx) {
  long before = rss_kib(pid);
  idle_conns conns(port, n, ctx);
  usleep(200 * 1000);
  return static_cast<double>(rss_kib(pid) - before) / n;
}

std::size_t open_fds(pid_t pid) {
  std::size_t n = 0;
  for ([[maybe_unused]] auto& e :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd"))
    ++n;
  return n;
}

struct footprint {
  double kib_per_conn = 0;
  double given_back = 0;  // share of the rise in RSS the server returned once all had closed
};

// A fresh server: `n` idle connections, then all closed; the server's RSS before, at the peak and
// once it has closed every connection (its descriptor count is back) and 0.5 s more.
footprint idle_then_closed(std::vector<std::string> argv, int n) {
  auto p = start(std::move(argv), 1);
  const long before = rss_kib(p.pid);
  const std::size_t fds_before = open_fds(p.pid);
  long peak;
  {
    idle_conns conns(p.port, n, nullptr);
    usleep(200 * 1000);
    peak = rss_kib(p.pid);
  }
  for (int i = 0; i < 500 && open_fds(p.pid) > fds_before; ++i) usleep(10 * 1000);
  usleep(500 * 1000);
  const long after = rss_kib(p.pid);
  stop(p);
  return {
      static_cast<double>(peak - before) / n,
      peak > before ? static_cast<double>(peak - after) / static_cast<double>(peak - before) : 0};
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2;
  int runs = 5;  // single runs swing by a third on a 2-core machine: only medians mean anything
  const char* only = "";
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atof(argv[i + 1]);
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::max(1, std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--only") == 0) only = argv[i + 1];
  }
  signal(SIGPIPE, SIG_IGN);
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  // 10,000 idle connections (the footprint row) in this process, and as many in the server.
  lim.rlim_cur = std::max<rlim_t>(lim.rlim_cur, std::min<rlim_t>(lim.rlim_max, 10100));
  setrlimit(RLIMIT_NOFILE, &lim);
  pin(0);

  auto raw = start({RAW_ECHO_PATH, "0"}, 1);
  auto copas = start({COPAS_ECHO_PATH, "--listen", "127.0.0.1:0"}, 1);
  struct row {
    const char* name;
    int conns;
    std::size_t size;
    int inflight;
  } rows[] = {
      {"1 conn, 64 B ping-pong", 1, 64, 1},
      {"50 conns, 64 B ping-pong", 50, 64, 1},
      {"1000 conns, 64 B ping-pong", 1000, 64, 1},
      {"10 conns, 16 KiB stream (4 in flight)", 10, 16384, 4},
  };
  std::printf("net echo: copas-echo vs raw libevent callbacks, %.1f s per run, loopback\n",
              seconds);
  std::printf("%-40s %12s %12s %6s | %9s %9s | %9s %9s %6s\n", "row", "copas msg/s", "raw msg/s",
              "ratio", "copas p99", "raw p99", "copas cpu", "raw cpu", "ratio");
  figures plain50{};
  for (auto& r : rows) {
    if (!std::strstr(r.name, only)) continue;
    std::vector<figures> raw_runs, copas_runs;
    for (int i = 0; i < runs; ++i) {
      raw_runs.push_back(run(raw.port, r.conns, r.size, r.inflight, seconds, raw.pid, nullptr));
      copas_runs.push_back(
          run(copas.port, r.conns, r.size, r.inflight, seconds, copas.pid, nullptr));
    }
    auto b = median_of(raw_runs);
    auto c = median_of(copas_runs);
    if (r.conns == 50) plain50 = c;
    std::printf("%-40s %12.0f %12.0f %6.3f | %7.0fus %7.0fus | %7.2fus %7.2fus %6.3f\n", r.name,
                c.msgs_per_s, b.msgs_per_s, c.msgs_per_s / b.msgs_per_s, c.p99_us, b.p99_us,
                c.cpu_us_per_msg, b.cpu_us_per_msg, c.cpu_us_per_msg / b.cpu_us_per_msg);
    std::fflush(stdout);
  }
  stop(raw);

  // Footprint: 10,000 idle connections to a fresh server, then all closed (issue 18: at most
  // 10 KB each, and at least 80 % of the rise given back), beside the raw libevent server.
  const char* footprint_row = "footprint: 10000 idle conns, then closed";
  if (std::strstr(footprint_row, only)) {
    const int idle = 10000;
    std::vector<double> c_kib, r_kib, c_back, r_back;
    for (int i = 0; i < runs; ++i) {
      auto r = idle_then_closed({RAW_ECHO_PATH, "0"}, idle);
      auto c = idle_then_closed({COPAS_ECHO_PATH, "--listen", "127.0.0.1:0"}, idle);
      r_kib.push_back(r.kib_per_conn);
      r_back.push_back(r.given_back);
      c_kib.push_back(c.kib_per_conn);
      c_back.push_back(c.given_back);
    }
    std::printf(
        "%s: RSS per conn copas %.1f KiB, raw %.1f KiB (ratio %.2f; target <= 10 KB); "
        "given back after close: copas %.0f %%, raw %.0f %% (target >= 80 %%)\n",
        footprint_row, median(c_kib), median(r_kib), median(c_kib) / median(r_kib),
        100 * median(c_back), 100 * median(r_back));
    std::fflush(stdout);
  }

  const char* tls_row = "TLS: 50 conns, 64 B ping-pong";
  if (!std::strstr(tls_row, only)) {
    stop(copas);
    return 0;
  }

  // TLS: copas-echo with a certificate made here, 50 connections; compared with plain copas-echo
  // in the same run, interleaved, medians of --runs.
  char dir[] = "/tmp/copas-bench-tls-XXXXXX";
  std::string d = mkdtemp(dir);
  std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + d +
      "/key.pem -out " + d + "/cert.pem -subj /CN=localhost -days 1 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) return 1;
  auto tls = start({COPAS_ECHO_PATH, "--listen", "127.0.0.1:0", "--tls-cert", d + "/cert.pem",
                    "--tls-key", d + "/key.pem"},
                   1);
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);  // the generator's own side: a throwaway cert
  // Read ahead, as copas's own contexts do: one read() takes a whole record (or several), as one
  // read() takes a plain message. Without it OpenSSL reads each record's 5-byte header, then its
  // body: a third read() per message on the generator's CPU, charged to the TLS row.
  SSL_CTX_set_read_ahead(ctx, 1);
  std::vector<figures> plain_runs, tls_runs;
  for (int i = 0; i < runs; ++i) {
    plain_runs.push_back(run(copas.port, 50, 64, 1, seconds, copas.pid, nullptr));
    tls_runs.push_back(run(tls.port, 50, 64, 1, seconds, tls.pid, ctx));
  }
  plain50 = median_of(plain_runs);
  auto t = median_of(tls_runs);
  std::printf(
      "%-40s %12.0f %12.0f %6.3f | %7.0fus %7.0fus | %7.2fus %7.2fus %6.3f   (baseline: plain "
      "copas-echo)\n",
      tls_row, t.msgs_per_s, plain50.msgs_per_s, t.msgs_per_s / plain50.msgs_per_s, t.p99_us,
      plain50.p99_us, t.cpu_us_per_msg, plain50.cpu_us_per_msg,
      t.cpu_us_per_msg / plain50.cpu_us_per_msg);
  stop(copas);
  stop(tls);

  // Idle memory: fresh servers (no high-water mark from the load rows), 1,000 connections each,
  // plain and TLS interleaved, medians of --runs.
  std::vector<double> plain_kib, tls_kib;
  const int idle = 1000;
  for (int i = 0; i < runs; ++i) {
    auto p = start({COPAS_ECHO_PATH, "--listen", "127.0.0.1:0"}, 1);
    plain_kib.push_back(idle_kib_per_conn(p.port, p.pid, idle, nullptr));
    stop(p);
    auto q = start({COPAS_ECHO_PATH, "--listen", "127.0.0.1:0", "--tls-cert", d + "/cert.pem",
                    "--tls-key", d + "/key.pem"},
                   1);
    tls_kib.push_back(idle_kib_per_conn(q.port, q.pid, idle, ctx));
    stop(q);
  }
  double pk = median(plain_kib), tk = median(tls_kib);
  std::printf(
      "idle RSS per connection, %d conns: TLS %.1f KiB, plain %.1f KiB, ratio %.2f (target: TLS <= "
      "48 KiB)\n",
      idle, tk, pk, tk / pk);
  SSL_CTX_free(ctx);
  std::system(("rm -rf " + d).c_str());
  return 0;
}
