// UDP against an independent process: a /usr/bin/python3 echo peer on 127.0.0.1 (or ::1)
// exchanges datagrams with copas UDP sockets, unconnected (sendto / receivefrom) and connected
// (setpeername, send / receive).
#include "child_process.hpp"
#include "net_test.hpp"

#include <string>

using namespace copas;
using copas::test::NetTest;
using copas::test::port_of;

namespace {

// Binds HOST:0, prints the port, then sends every datagram back prefixed with "echo:" until it
// gets "quit". Its stdin/stdout are the child's socket.
const char* echo_peer = R"(
import socket, sys
host = sys.argv[1]
fam = socket.AF_INET6 if ':' in host else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.bind((host, 0))
print(s.getsockname()[1], flush=True)
while True:
    data, addr = s.recvfrom(65536)
    if data == b'quit':
        break
    s.sendto(b'echo:' + data, addr)
)";

struct python_peer {
  copas::test::background_child proc;
  std::uint16_t port = 0;

  explicit python_peer(const char* host)
      : proc({"/usr/bin/python3", "-c", echo_peer, host}, copas::test::child_stdio::socket) {
    proc.io.settimeout(10);
    auto l = proc.io.receive();
    EXPECT_TRUE(l) << l.error().message();
    if (l) port = static_cast<std::uint16_t>(std::stoi(*l));
  }
  // Returns the peer's exit status (0 once it got "quit").
  int quit(copas::socket& via, const char* host) {
    via.sendto("quit", host, port);
    auto eof = proc.io.receive(all);  // the pipe closes when the peer exits
    EXPECT_EQ(eof.error().message(), "closed");
    return proc.stop();
  }
};

void exchange_with_python(const char* host) {
  python_peer peer(host);
  ASSERT_NE(peer.port, 0);
  auto c = udp();
  c.settimeout(5);
  EXPECT_EQ(c.sendto("one", host, peer.port).value(), 3u);
  auto d = c.receivefrom().value();
  EXPECT_EQ(d.data, "echo:one");
  EXPECT_EQ(d.ip, host);
  EXPECT_EQ(d.port, peer.port);
  std::string big(4000, 'b');
  EXPECT_EQ(c.sendto(big, host, peer.port).value(), big.size());
  EXPECT_EQ(c.receive(100).value(), "echo:" + big.substr(0, 95));  // truncated to the size asked

  auto w = wrap(udp());
  w.settimeout(5);
  ASSERT_TRUE(w.setpeername(host, peer.port));
  EXPECT_EQ(w.send("two").value(), 3u);
  EXPECT_EQ(w.receive().value(), "echo:two");
  EXPECT_EQ(w.getpeername().value().port, peer.port);

  int status = peer.quit(c, host);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  c.close();
  w.close();  // wrapped UDP: a no-op (Copas); the fd goes with the last handle
}

}  // namespace

TEST_F(NetTest, UdpWithAPythonPeer) {
  loop([] { exchange_with_python("127.0.0.1"); });
}

TEST_F(NetTest, UdpWithAPythonPeerOverIPv6) {
  loop([] { exchange_with_python("::1"); });
}
