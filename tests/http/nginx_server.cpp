#include "nginx_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

extern char** environ;

namespace copas::test {

nginx_server::nginx_server(const std::string& cert, const std::string& key, nginx_options opts) {
  std::string t = "/tmp/copas-nginx-XXXXXX";
  if (!::mkdtemp(t.data())) throw std::runtime_error("mkdtemp failed");
  dir_ = t;
  std::filesystem::create_directories(dir_ + "/www");
  std::filesystem::create_directories(dir_ + "/tmp");
  http_port_ = pick_port();
  https_port_ = pick_port();
  std::ofstream conf(dir_ + "/nginx.conf");
  // As root, nginx would switch its workers to "nobody", who cannot read a 0700 temp dir.
  if (::geteuid() == 0) conf << "user root;\n";
  conf << "worker_processes " << opts.workers << ";\n"
       << "daemon off;\nmaster_process on;\npid " << dir_ << "/nginx.pid;\n"
       << "error_log " << dir_ << "/error.log warn;\n"
       << "events { worker_connections 4096; }\n"
       << "http {\n  access_log off;\n  default_type application/octet-stream;\n"
       << "  client_body_temp_path " << dir_ << "/tmp/body;\n"
       << "  proxy_temp_path " << dir_ << "/tmp/proxy;\n"
       << "  fastcgi_temp_path " << dir_ << "/tmp/fcgi;\n"
       << "  uwsgi_temp_path " << dir_ << "/tmp/uwsgi;\n"
       << "  scgi_temp_path " << dir_ << "/tmp/scgi;\n"
       << "  keepalive_requests 100000;\n  sendfile on;\n"
       << opts.extra_top << "  server {\n    listen 127.0.0.1:" << http_port_
       << ";\n    server_name localhost;\n"
       << "    root " << dir_ << "/www;\n"
       << "    location /upload/ { dav_methods PUT DELETE; create_full_put_path on; }\n"
       << "    location /auth/ { auth_basic \"copas\"; auth_basic_user_file " << dir_
       << "/htpasswd; }\n"
       << "    location = /to-https { return 302 https://localhost:" << https_port_
       << "/index.html; }\n"
       << "    location = /loop { return 302 /loop; }\n"
       << opts.extra_http << "  }\n"
       << "  server {\n    listen 127.0.0.1:" << https_port_
       << " ssl;\n    server_name localhost;\n"
       << "    ssl_certificate " << cert << ";\n    ssl_certificate_key " << key << ";\n"
       << "    root " << dir_ << "/www;\n"
       << "    location = /to-http { return 302 http://localhost:" << http_port_
       << "/index.html; }\n"
       << "    location = /to-https { return 302 https://localhost:" << https_port_
       << "/index.html; }\n"
       << opts.extra_https << "  }\n}\n";
  conf.close();
  // luasocket:password (apr1 hash made by the openssl CLI).
  std::string cmd =
      "printf 'luasocket:%s\\n' \"$(openssl passwd -apr1 password)\" > " + dir_ + "/htpasswd";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl passwd failed");
  put_file("index.html", "<html>copas-cpp test page</html>\n");

  std::vector<std::string> argv = {
      "nginx", "-p", dir_, "-c", dir_ + "/nginx.conf", "-e", dir_ + "/error.log"};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  const char* bin = ::access("/usr/sbin/nginx", X_OK) == 0 ? "/usr/sbin/nginx" : "nginx";
  if (posix_spawnp(&pid_, bin, nullptr, nullptr, args.data(), environ) != 0)
    throw std::runtime_error("cannot start nginx (install the nginx-light package)");
  if (!wait_for_port(http_port_) || !wait_for_port(https_port_))
    throw std::runtime_error("nginx did not start; see " + dir_ + "/error.log");
}

nginx_server::~nginx_server() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int st = 0;
    ::waitpid(pid_, &st, 0);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void nginx_server::put_file(const std::string& path, const std::string& content) const {
  auto full = std::filesystem::path(www()) / path;
  std::filesystem::create_directories(full.parent_path());
  std::ofstream(full, std::ios::binary) << content;
}

}  // namespace copas::test
