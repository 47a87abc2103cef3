// chat_server [PORT]: a chat room on 127.0.0.1. Every line a client sends goes to every client.
//
//   $ ./chat_server 7001 &
//   $ nc 127.0.0.1 7001        # in two terminals; type
//
// Many clients, one queue: each client's fiber only reads and pushes what it read into one
// copas::queue; a single worker fiber takes the messages in order and sends each to everyone.
// So the broadcast order is the same for all, and a client's reader never writes to another
// client's socket.
#include <copas/core.hpp>
#include <copas/net.hpp>
#include <copas/sync.hpp>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

struct message {
  int from;
  std::string text;
};

int main(int argc, char** argv) {
  auto port = static_cast<std::uint16_t>(argc > 1 ? std::atoi(argv[1]) : 0);
  auto server = copas::bind("127.0.0.1", port);
  if (!server) {
    std::fprintf(stderr, "chat_server: cannot listen on 127.0.0.1:%u: %s\n", port,
                 server.error().message().c_str());
    return 1;
  }
  std::printf("chat_server: listening on 127.0.0.1:%u\n", server->getsockname()->port);
  std::fflush(stdout);

  std::map<int, copas::socket> clients;  // who is in the room, by client number
  int next_id = 0;

  copas::queue<message> room({.name = "room"});
  room.add_worker([&](message m) {
    std::string line = "[" + std::to_string(m.from) + "] " + m.text + "\n";
    for (auto& [id, c] : clients) {
      // A client whose socket fails is dropped; its reader sees the close and leaves.
      if (id != m.from && !c.send(line)) c.close();
    }
  });

  copas::addserver(*server, [&](copas::socket client) {
    int id = ++next_id;
    clients.emplace(id, client);
    client.send("welcome, you are [" + std::to_string(id) + "]\n");
    room.push({id, "joined"});
    while (auto line = client.receive()) room.push({id, *line});
    clients.erase(id);
    room.push({id, "left"});
  });
  copas::loop();
}
