// The same command lines through curl (Debian's, the oracle) and copas-fetch against the same
// local servers -- nginx, the echo server (echo_server.py), pyftpdlib -- comparing the exit code,
// the stdout bytes and every file the run leaves in its working directory. Each case is one
// test, named after what it covers. Date headers are the one thing normalised (nginx's change
// by the second). Where copas-fetch deliberately differs from curl there is no case here; the
// README's copas-fetch section says what and why.
#include "ftp_test.hpp"
#include "http_test.hpp"
#include "nginx_server.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <memory>
#include <regex>
#include <sstream>

namespace fs = std::filesystem;
using namespace copas::test;

namespace {

struct diff_case {
  std::string name;
  std::vector<std::string> args;  // placeholders: {N} {NS} {E} {EP} {EPORT} {F} {I} {CA}
  std::string stdin_text = {};
  std::vector<std::string> env = {};
  bool same_warnings = false;  // stderr's "Warning: " lines compared too (the rest names the tool)
};

// gtest names a case by its name, not by its bytes.
void PrintTo(const diff_case& c, std::ostream* os) { *os << c.name; }

std::string slurp_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string warning_lines(const std::string& err) {
  std::istringstream in(err);
  std::string out;
  for (std::string l; std::getline(in, l);)
    if (l.starts_with("Warning: ")) out += l + "\n";
  return out;
}

std::string normalised(std::string s) {
  static const std::regex date("Date: [^\r\n]*");
  return std::regex_replace(s, date, "Date: X");
}

struct run_result {
  int exit_code = -1;
  std::string out, err;
  std::map<std::string, std::string> files;
};

// Runs argv in `dir` with `env` added and `input` on stdin; stdout and stderr go to files
// outside `dir`, so that `dir` holds only what the client wrote.
run_result run_in(const fs::path& dir, std::vector<std::string> argv, const std::string& input,
                  const std::vector<std::string>& env) {
  fs::create_directories(dir);
  const std::string io = dir.string() + ".io";
  fs::create_directories(io);
  { std::ofstream(io + "/stdin", std::ios::binary) << input; }
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) {
    std::string v = *e;
    // No proxy from the machine's environment: each case sets its own.
    if (v.starts_with("http_proxy=") || v.starts_with("https_proxy=") ||
        v.starts_with("HTTPS_PROXY=") || v.starts_with("ALL_PROXY=") ||
        v.starts_with("all_proxy=") || v.starts_with("NO_PROXY=") || v.starts_with("no_proxy=") ||
        v.starts_with("HOME=") || v.starts_with("CURL_HOME="))
      continue;
    envs.push_back(v);
  }
  envs.push_back("HOME=" + io);  // no ~/.curlrc, no ~/.netrc from the machine
  for (auto& e : env) envs.push_back(e);
  std::vector<char*> envp;
  for (auto& e : envs) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(dir.c_str()) != 0) ::_exit(126);
    int in = ::open((io + "/stdin").c_str(), O_RDONLY);
    int out = ::open((io + "/stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = ::open((io + "/stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  run_result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = normalised(slurp_file(io + "/stdout"));
  r.err = slurp_file(io + "/stderr");
  for (auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file())
      r.files[fs::relative(e.path(), dir).string()] = normalised(slurp_file(e.path()));
  return r;
}

class peers {
 public:
  peers() : nginx(pki().cert, pki().key, options()) {
    nginx.put_file("hello.txt", "hello from nginx\n");
    nginx.put_file("dir/a.txt", "file a\n");
    nginx.put_file("big.txt", big_text());
    nginx.put_file("empty.txt", "");
    start_echo();
    input = temp_dir("fetch-diff-in");
    write(input + "/form.txt", "a=1&b=2\r\nc=3\n");
    write(input + "/bin.dat", std::string("x\r\ny\0z", 7));
    write(input + "/upload.txt", "uploaded text\n");
    write(input + "/json.txt", "{\"k\": [1, 2]}");
    write(input + "/config", "# a -K file\nsilent\nurl = \"" + echo +
                                 "/echo/from-config\"\n-H \"X-Ignored: 1\"\nheader = \"Referer: "
                                 "http://ref.example/\"\n");
    write(input + "/config-unknown",
          "--bogus\nbogus-too = 1\nsilent\nurl = \"" + echo + "/echo/after-unknown\"\n");
    write(input + "/netrc", "machine 127.0.0.1 login luasocket password password\n");
    write(input + "/jar.txt",
          "# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tjarred\tyes\n");
    write(input + "/big.bin", std::string(1500000, 'B'));
    write(input + "/partial.txt", big_text().substr(0, 1000));
    write(ftp.root / "pub/file.txt", "ftp file\n");
    write(ftp.root / "pub/other.txt", "other\n");
  }
  ~peers() {
    if (echo_pid > 0) {
      ::kill(echo_pid, SIGTERM);
      ::waitpid(echo_pid, nullptr, 0);
    }
  }

  std::string expand(std::string a) const {
    auto rep = [&](const std::string& key, const std::string& v) {
      for (auto p = a.find(key); p != std::string::npos; p = a.find(key, p + v.size()))
        a.replace(p, key.size(), v);
    };
    rep("{NS}", "https://localhost:" + std::to_string(nginx.https_port()));
    rep("{N}", "http://127.0.0.1:" + std::to_string(nginx.http_port()));
    rep("{EPORT}", std::to_string(echo_port));
    rep("{EP}", "127.0.0.1:" + std::to_string(echo_port));
    rep("{E}", echo);
    rep("{F}", "ftp://127.0.0.1:" + std::to_string(ftp.port));
    rep("{I}", input);
    rep("{CA}", pki().ca);
    return a;
  }

  static std::string big_text() {
    std::string s;
    for (int i = 0; i < 20000; ++i) s += "line " + std::to_string(i) + " of a compressible text\n";
    return s;
  }

  nginx_server nginx;
  ftp_server ftp;
  std::string echo;
  std::uint16_t echo_port = 0;
  pid_t echo_pid = -1;
  std::string input;

 private:
  static nginx_options options() {
    nginx_options o;
    o.extra_top = "  gzip on;\n  gzip_types text/plain;\n  gzip_min_length 0;\n";
    o.extra_http =
        "    location = /r301 { return 301 /hello.txt; }\n"
        "    location = /r302 { return 302 /hello.txt; }\n"
        "    location = /r303 { return 303 /hello.txt; }\n"
        "    location = /r307 { return 307 /hello.txt; }\n"
        "    location = /r308 { return 308 /hello.txt; }\n"
        "    location = /chain { return 302 /r301; }\n"
        "    location = /to-gopher { return 302 gopher://127.0.0.1/x; }\n"
        "    location = /to-file { return 302 file:///etc/passwd; }\n";
    return o;
  }
  static void write(const fs::path& p, const std::string& data) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << data;
  }
  void start_echo() {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe");
    echo_pid = ::fork();
    if (echo_pid == 0) {
      ::dup2(out[1], 1);
      ::close(out[0]);
      ::execl("/usr/bin/python3", "python3", COPAS_FETCH_ECHO_SERVER, nullptr);
      ::_exit(127);
    }
    ::close(out[1]);
    std::string line;
    char c;
    while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(out[0]);
    echo_port = static_cast<std::uint16_t>(std::stoi(line));
    echo = "http://127.0.0.1:" + line;
  }
};

peers* the_peers = nullptr;

class Differential : public ::testing::TestWithParam<diff_case> {
 protected:
  static void SetUpTestSuite() { the_peers = new peers(); }
  static void TearDownTestSuite() {
    delete the_peers;
    the_peers = nullptr;
  }
};

TEST_P(Differential, SameAsCurl) {
  const diff_case& c = GetParam();
  auto base = fs::path(temp_dir("fetch-diff"));
  std::vector<std::string> args;
  for (auto& a : c.args) args.push_back(the_peers->expand(a));
  std::vector<std::string> env;
  for (auto& e : c.env) env.push_back(the_peers->expand(e));
  auto with = [&](const std::string& bin) {
    std::vector<std::string> argv{bin};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  };
  auto want = run_in(base / "curl", with("/usr/bin/curl"), the_peers->expand(c.stdin_text), env);
  auto got = run_in(base / "copas", with(COPAS_FETCH_BIN), the_peers->expand(c.stdin_text), env);
  std::string shown;
  for (auto& a : args) shown += " '" + a + "'";
  EXPECT_EQ(got.exit_code, want.exit_code)
      << shown << "\ncurl stderr: " << want.err << "\ncopas-fetch stderr: " << got.err;
  EXPECT_EQ(got.out, want.out) << shown << "\ncopas-fetch stderr: " << got.err;
  EXPECT_EQ(got.files, want.files) << shown;
  if (c.same_warnings) {
    EXPECT_NE(warning_lines(want.err), "") << shown;
    EXPECT_EQ(warning_lines(got.err), warning_lines(want.err)) << shown;
  }
  fs::remove_all(base);
}

// The cases as constant data: written as one braced vector of strings, the table was a single
// function of 170 temporaries that took the compiler over two minutes under ASan.
struct case_text {
  const char* name;
  std::initializer_list<const char*> args;
  const char* stdin_text = "";
  std::initializer_list<const char*> env = {};
  bool same_warnings = false;
};

constexpr case_text case_table[] = {
    // Plain GETs and output
    {"Get", {"-s", "{N}/hello.txt"}},
    {"GetNoFlags", {"{N}/hello.txt"}},
    {"GetEmptyFile", {"-s", "-o", "out.txt", "{N}/empty.txt"}},
    {"GetToFile", {"-s", "-o", "out.txt", "{N}/hello.txt"}},
    {"RemoteName", {"-s", "-O", "{N}/hello.txt"}},
    {"RemoteNameAll", {"-s", "--remote-name-all", "{N}/hello.txt", "{N}/dir/a.txt"}},
    // The file is named as the URL writes it: decoded, this one would land outside the
    // working directory.
    {"RemoteNameIsNotPercentDecoded", {"-s", "-O", "{E}/echo/..%2F..%2Fescaped.txt"}},
    {"CreateDirs", {"-s", "--create-dirs", "-o", "sub/dir/out.txt", "{N}/hello.txt"}},
    {"TwoUrls", {"-s", "{N}/hello.txt", "{N}/dir/a.txt"}},
    {"TwoUrlsTwoOutputs", {"-s", "-o", "one", "{N}/hello.txt", "-o", "two", "{N}/dir/a.txt"}},
    {"UrlOption", {"-s", "--url", "{N}/hello.txt"}},
    {"NoScheme", {"-s", "{EP}/echo/noscheme"}},
    {"Include", {"-s", "-i", "{N}/hello.txt"}},
    {"IncludeToFile", {"-s", "-i", "-o", "out.txt", "{N}/hello.txt"}},
    {"IncludeNamesAsReceived", {"-s", "-i", "{E}/mixed"}},
    {"Head", {"-s", "-I", "{N}/hello.txt"}},
    {"HeadEcho", {"-s", "-I", "{E}/mixed"}},
    {"DumpHeader", {"-s", "-D", "head.txt", "-o", "body.txt", "{N}/hello.txt"}},
    {"DumpHeaderStdout", {"-s", "-D", "-", "{E}/mixed"}},
    {"NotFoundNoFail", {"-s", "{N}/missing"}},
    {"NotFoundFail", {"-sf", "{N}/missing"}},
    {"NotFoundFailNoFile", {"-sf", "-o", "out.txt", "{N}/missing"}},
    {"NotFoundFailInclude", {"-sfi", "{E}/status/404"}},
    {"FailWithBody", {"-s", "--fail-with-body", "{E}/status/404"}},
    {"FailWithBodyToFile", {"-s", "--fail-with-body", "-o", "out.txt", "{E}/status/500"}},
    {"FailOk", {"-sf", "{N}/hello.txt"}},
    {"ShowErrorExitCode", {"-sS", "{N}/missing", "-f"}},
    {"BundledFlagsWithValue", {"-sSfLo", "out.txt", "{N}/r302"}},
    {"AttachedValue", {"-sSoout.txt", "{N}/hello.txt"}},
    {"NoFlagNegation", {"-s", "-i", "--no-include", "{N}/hello.txt"}},
    {"Auth401", {"-s", "{N}/auth/"}},
    {"UserAuth", {"-s", "-u", "luasocket:password", "{N}/auth/"}},
    {"UserAuthWrong", {"-sf", "-u", "luasocket:nope", "{N}/auth/"}},
    {"UrlCredentialsDecoded", {"-s", "http://me%40example.com:p%20w@{EP}/auth"}},
    {"UserOptionEncodedChars", {"-s", "-u", "me@example.com:p w", "{E}/auth"}},
    {"Netrc", {"-s", "--netrc-file", "{I}/netrc", "{N}/auth/"}},
    // Redirects
    {"RedirectNotFollowed", {"-s", "{N}/r302"}},
    {"RedirectNotFollowedInclude", {"-s", "-i", "{N}/r301"}},
    {"Follow301", {"-sL", "{N}/r301"}},
    {"Follow302", {"-sL", "{N}/r302"}},
    {"Follow303", {"-sL", "{N}/r303"}},
    {"Follow307", {"-sL", "{N}/r307"}},
    {"Follow308", {"-sL", "{N}/r308"}},
    {"FollowChainInclude", {"-sL", "-i", "{N}/chain"}},
    {"FollowHead", {"-sLI", "{N}/chain"}},
    {"FollowLoopMax", {"-sL", "--max-redirs", "3", "{N}/loop"}},
    {"FollowLoopMaxZero", {"-sL", "--max-redirs", "0", "{N}/r302"}},
    {"FollowWriteOut",
     {"-sL", "-o", "/dev/null", "-w", "%{http_code} %{num_redirects} %{url_effective}\\n",
      "{N}/chain"}},
    {"NotFollowedWriteOut",
     {"-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}\\n", "{N}/r302"}},
    {"ToGopher", {"-sL", "{N}/to-gopher"}},
    {"ToFile", {"-sL", "{N}/to-file"}},
    {"ToGopherNotFollowed", {"-s", "{N}/to-gopher"}},
    {"PostFollow301", {"-sL", "-d", "x=1", "{E}/redir/301?to=/echo/after"}},
    {"PostFollow302", {"-sL", "-d", "x=1", "{E}/redir/302?to=/echo/after"}},
    {"PostFollow303", {"-sL", "-d", "x=1", "{E}/redir/303?to=/echo/after"}},
    {"PostFollow307", {"-sL", "-d", "x=1", "{E}/redir/307?to=/echo/after"}},
    {"PostFollow308", {"-sL", "-d", "x=1", "{E}/redir/308?to=/echo/after"}},
    {"Post301Kept", {"-sL", "--post301", "-d", "x=1", "{E}/redir/301?to=/echo/after"}},
    {"Post302Kept", {"-sL", "--post302", "-d", "x=1", "{E}/redir/302?to=/echo/after"}},
    {"Post303Kept", {"-sL", "--post303", "-d", "x=1", "{E}/redir/303?to=/echo/after"}},
    {"PutFollow303", {"-sL", "-T", "{I}/upload.txt", "{E}/redir/303?to=/echo/after"}},
    {"PutFollow307", {"-sL", "-T", "{I}/upload.txt", "{E}/redir/307?to=/echo/after"}},
    {"CustomMethodKept", {"-sL", "-X", "DELETE", "{E}/redir/302?to=/echo/after"}},
    {"LocationWithSpace", {"-sL", "{E}/space"}},
    {"AuthStrippedOtherHost",
     {"-sL", "-H", "Authorization: Bearer t",
      "{E}/redir/302?to=http://localhost:{EPORT}/echo/other"}},
    {"CookieHeaderStrippedOtherHost",
     {"-sL", "-H", "Cookie: k=v", "{E}/redir/302?to=http://localhost:{EPORT}/echo/other"}},
    {"UserStrippedOtherHost",
     {"-sL", "-u", "a:b", "{E}/redir/302?to=http://localhost:{EPORT}/echo/other"}},
    {"AuthKeptSameHost", {"-sL", "-H", "Authorization: Bearer t", "{E}/redir/302?to=/echo/same"}},
    {"LocationTrusted",
     {"-s", "--location-trusted", "-u", "a:b",
      "{E}/redir/302?to=http://localhost:{EPORT}/echo/other"}},
    // Request bodies
    {"DataForm", {"-s", "-d", "a=1", "{E}/echo/post"}},
    {"DataJoined", {"-s", "-d", "a=1", "-d", "b=2", "{E}/echo/post"}},
    {"DataFileStripsNewlines", {"-s", "-d", "@{I}/form.txt", "{E}/echo/post"}},
    {"DataBinaryFile", {"-s", "--data-binary", "@{I}/bin.dat", "{E}/echo/post"}},
    {"DataBinaryContentType", {"-s", "--data-binary", "raw", "{E}/echo/post"}},
    {"DataRawKeepsAt", {"-s", "--data-raw", "@notafile", "{E}/echo/post"}},
    {"DataAscii", {"-s", "--data-ascii", "q=1", "{E}/echo/post"}},
    {"DataUrlencodePlain", {"-s", "--data-urlencode", "a b&c", "{E}/echo/post"}},
    {"DataUrlencodeNamed", {"-s", "--data-urlencode", "name=a b/c", "{E}/echo/post"}},
    {"DataUrlencodeEquals", {"-s", "--data-urlencode", "=x y", "{E}/echo/post"}},
    {"DataUrlencodeFile", {"-s", "--data-urlencode", "f@{I}/upload.txt", "{E}/echo/post"}},
    {"DataFromStdin", {"-s", "-d", "@-", "{E}/echo/post"}, "from stdin\n"},
    {"DataBinaryFromStdin", {"-s", "--data-binary", "@-", "{E}/echo/post"}, "line1\r\nline2\n"},
    {"DataAsGet", {"-s", "-G", "-d", "a=1", "-d", "b=2", "{E}/echo/get"}},
    {"DataAsGetExistingQuery", {"-s", "-G", "--data-urlencode", "q=x y", "{E}/echo/get?z=0"}},
    {"Json", {"-s", "--json", "{\"a\":1}", "{E}/echo/json"}},
    {"JsonFile", {"-s", "--json", "@{I}/json.txt", "{E}/echo/json"}},
    {"MethodOverride", {"-s", "-X", "PATCH", "-d", "p=1", "{E}/echo/patch"}},
    {"MethodDelete", {"-s", "-X", "DELETE", "{E}/echo/del"}},
    {"UploadFile", {"-s", "-T", "{I}/upload.txt", "{E}/echo/put"}},
    {"UploadFileToDirUrl", {"-s", "-T", "{I}/upload.txt", "{E}/echo/dir/"}},
    {"UploadStdin", {"-s", "-T", "-", "{E}/echo/stdin"}, "streamed\n"},
    {"UploadToNginx", {"-s", "-T", "{I}/upload.txt", "{N}/upload/up.txt"}},
    {"LargePostExpect", {"-s", "--data-binary", "@{I}/big.bin", "-o", "echo.txt", "{E}/echo/big"}},
    {"FormField", {"-s", "-F", "name=value", "{E}/echo/form"}},
    {"FormFile", {"-s", "-F", "file=@{I}/upload.txt", "{E}/echo/form"}},
    {"FormFileTypeAndName",
     {"-s", "-F", "file=@{I}/upload.txt;type=text/x-mine;filename=other.txt", "{E}/echo/form"}},
    {"FormContentFromFile", {"-s", "-F", "text=<{I}/upload.txt", "-F", "b=2", "{E}/echo/form"}},
    {"FormToNginx",
     {"-s", "-o", "/dev/null", "-w", "%{http_code}\\n", "-F", "a=1", "{N}/hello.txt"}},
    // Headers
    {"HeaderAdded", {"-s", "-H", "X-One: 1", "{E}/echo/h"}},
    {"AcceptRemoved", {"-s", "-H", "Accept:", "{E}/echo/h"}},
    {"AcceptReplaced", {"-s", "-H", "Accept: text/plain", "{E}/echo/h"}},
    {"EmptyHeader", {"-s", "-H", "Referer;", "{E}/echo/h"}},
    {"HeaderRepeated", {"-s", "-H", "X-Repeat: 1", "-H", "X-Repeat: 2", "{E}/echo/h"}},
    {"HeaderRepeatedReplacesDefault", {"-s", "-H", "Accept: a", "-H", "accept: b", "{E}/echo/h"}},
    {"HeaderRepeatedReplacesOption",
     {"-s", "-H", "Referer: r1", "-e", "r0", "-H", "Referer: r2", "{E}/echo/h"}},
    {"HeaderRemovalKeepsGiven", {"-s", "-H", "Accept: a", "-H", "Accept:", "{E}/echo/h"}},
    {"HeaderRemovalThenGiven", {"-s", "-H", "Accept:", "-H", "Accept: a", "{E}/echo/h"}},
    {"HeaderEmptyRepeated",
     {"-s", "-H", "X-Repeat: 1", "-H", "X-Repeat;", "-H", "Accept;", "{E}/echo/h"}},
    {"Referer", {"-s", "-e", "http://from.example/", "{E}/echo/h"}},
    {"UserAgentNotEchoed",
     {"-s", "-A", "agent/1", "-o", "/dev/null", "-w", "%{http_code}\\n", "{E}/echo/h"}},
    {"Cookie", {"-s", "-b", "a=1; b=2", "{E}/echo/c"}},
    {"CookieFile", {"-s", "-b", "{I}/jar.txt", "{E}/echo/c"}},
    {"CookieJarWritten", {"-s", "-c", "jar.txt", "{E}/setcookie"}},
    {"CookieJarToStdout", {"-s", "-c", "-", "{E}/setcookie"}},
    {"CookiesAcrossRedirect", {"-sL", "-b", "", "{E}/cookieredir"}},
    {"CookiesAcrossRedirectJar", {"-sL", "-c", "jar.txt", "{E}/cookieredir"}},
    {"Range", {"-s", "-r", "0-9", "{N}/big.txt"}},
    {"RangeSuffix", {"-s", "-r", "-12", "{N}/big.txt"}},
    {"RangeEcho", {"-s", "-r", "5-", "{E}/echo/r"}},
    {"Compressed", {"-s", "--compressed", "{N}/big.txt"}},
    {"CompressedToFile", {"-s", "--compressed", "-o", "big.txt", "{N}/big.txt"}},
    {"CompressedHead", {"-s", "--compressed", "-I", "{N}/hello.txt"}},
    {"Http10", {"-s", "--http1.0", "-i", "{N}/hello.txt"}},
    {"Http11", {"-s", "--http1.1", "{N}/hello.txt"}},
    {"Config", {"-K", "{I}/config"}},
    {"ConfigStdin", {"-K", "-"}, "silent\nurl = \"{E}/echo/stdin-config\"\n"},
    // An unknown option in a -K file: a warning naming the file and line, and the rest is read.
    {"ConfigUnknownOption", {"-K", "{I}/config-unknown"}, "", {}, true},
    // One method per command line: curl warns and exits 2 (-F and -I while parsing, -d and -T
    // once all is parsed).
    {"HeadAndData", {"-I", "-d", "x", "{E}/echo/m"}, "", {}, true},
    {"DataAndHead", {"-d", "x", "-I", "{E}/echo/m"}, "", {}, true},
    {"HeadAndUpload", {"-I", "-T", "{I}/upload.txt", "{E}/echo/m"}, "", {}, true},
    {"HeadAndForm", {"-I", "-F", "a=b", "{E}/echo/m"}, "", {}, true},
    {"FormAndHead", {"-F", "a=b", "--head", "{E}/echo/m"}, "", {}, true},
    {"HeadAndJson", {"-I", "--json", "{}", "{E}/echo/m"}, "", {}, true},
    {"DataAndForm", {"-d", "x", "-F", "a=b", "{E}/echo/m"}, "", {}, true},
    {"UploadAndData", {"-T", "{I}/upload.txt", "-d", "x", "{E}/echo/m"}, "", {}, true},
    {"UploadAndForm", {"-F", "a=b", "-T", "{I}/upload.txt", "{E}/echo/m"}, "", {}, true},
    {"UploadAndGetData", {"-T", "{I}/upload.txt", "-G", "-d", "x", "{E}/echo/m"}, "", {}, true},
    {"NoHeadAndData", {"--no-head", "-d", "x", "{E}/echo/m"}, "", {}, true},
    {"HeadAndDataSilent", {"-sS", "-I", "-d", "x", "{E}/echo/m"}},
    {"HeadWithGetData", {"-s", "-I", "-G", "-d", "x", "{E}/echo/m"}},
    // Resume
    {"ResumeAuto", {"-s", "-C", "-", "-o", "partial.txt", "{N}/big.txt"}},
    {"ResumeOffset", {"-s", "-C", "100", "{N}/hello.txt"}},
    // Write-out
    {"WriteOutCommon",
     {"-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{content_type} %{exitcode}\\n",
      "{N}/hello.txt"}},
    {"WriteOutError", {"-s", "-w", "%{exitcode}|%{http_code}\\n", "http://127.0.0.1:1/"}},
    {"WriteOutMethodScheme",
     {"-s", "-o", "/dev/null", "-w", "%{method} %{scheme} %{num_redirects}%%\\n", "-d", "x",
      "{E}/echo/w"}},
    {"WriteOutAddresses",
     {"-s", "-o", "/dev/null", "-w",
      "%{remote_ip} %{remote_port} %{local_ip} %{time_appconnect}\\n", "{E}/echo/w"}},
    {"WriteOutAddressesLocalhost",
     {"-s", "-o", "/dev/null", "-w", "%{remote_ip} %{remote_port} %{local_ip}\\n",
      "http://localhost:{EPORT}/echo/w"}},
    {"WriteOutAddressesProxy",
     {"-s", "-x", "{E}", "-o", "/dev/null", "-w", "%{remote_ip} %{remote_port}\\n",
      "http://origin.test/echo/via"}},
    {"WriteOutAddressesNotConnected",
     {"-s", "-w",
      "%{remote_ip}|%{remote_port}|%{local_ip}|%{local_port}|%{time_connect}|%{time_appconnect}\\n",
      "http://127.0.0.1:1/"}},
    {"WriteOutStderr", {"-s", "-o", "/dev/null", "-w", "%{stderr}%{http_code}", "{N}/hello.txt"}},
    // Proxies
    {"ProxyOption", {"-s", "-x", "{E}", "http://origin.test/echo/via"}},
    {"ProxyCredentialsDecoded",
     {"-s", "-x", "http://pu:p%20w@{EP}", "http://origin.test/echo/via"}},
    {"ProxyEnvHttp", {"-s", "http://origin.test/echo/env"}, "", {"http_proxy={E}"}},
    {"ProxyEnvAll", {"-s", "http://origin.test/echo/all"}, "", {"ALL_PROXY={E}"}},
    {"ProxyEnvNoProxy",
     {"-s", "{E}/echo/direct"},
     "",
     {"http_proxy=http://127.0.0.1:1", "no_proxy=127.0.0.1"}},
    {"NoProxyOption",
     {"-s", "--noproxy", "*", "{E}/echo/direct"},
     "",
     {"http_proxy=http://127.0.0.1:1"}},
    {"ConnectRefusedByProxy", {"-s", "-x", "{E}", "https://origin.test/"}},
    // Connection
    {"Resolve",
     {"-s", "--resolve", "fake.test:{EPORT}:127.0.0.1", "http://fake.test:{EPORT}/echo/resolved"}},
    {"Ipv4", {"-s", "-4", "http://localhost:{EPORT}/echo/v4"}},
    {"LimitRate", {"-s", "--limit-rate", "100K", "{N}/hello.txt"}},
    {"ConnectTimeoutOk", {"-s", "--connect-timeout", "5", "{N}/hello.txt"}},
    {"MaxTimeOk", {"-s", "-m", "10", "{N}/hello.txt"}},
    {"MaxTimeExceeded", {"-s", "-m", "0.5", "{E}/slow"}},
    {"Https", {"-s", "--cacert", "{CA}", "{NS}/hello.txt"}},
    {"HttpsInsecure", {"-sk", "{NS}/hello.txt"}},
    {"HttpsUntrusted", {"-s", "{NS}/hello.txt"}},
    // Exit codes
    {"ConnectRefused", {"-s", "http://127.0.0.1:1/"}},
    {"UnsupportedScheme", {"-s", "nope://127.0.0.1/"}},
    {"MalformedUrlHost", {"-s", "http://a b/"}},
    {"MalformedUrlPort", {"-s", "http://127.0.0.1:99999/"}},
    {"MalformedUrlBracket", {"-s", "http://[::1/"}},
    {"EmptyReply", {"-s", "{E}/empty"}},
    {"PartialFile", {"-s", "{E}/partial"}},
    {"WriteError", {"-s", "-o", "no/such/dir/out.txt", "{N}/hello.txt"}},
    {"ReadErrorUpload", {"-s", "-T", "{I}/missing.txt", "{E}/echo/x"}},
    {"ReadErrorData", {"-s", "-d", "@{I}/missing.txt", "{E}/echo/x"}},
    {"UnknownOption", {"-s", "--no-such-option", "{N}/hello.txt"}},
    {"LastUrlDecides", {"-s", "http://127.0.0.1:1/", "{N}/hello.txt"}},
    {"LastUrlDecidesFail", {"-s", "{N}/hello.txt", "http://127.0.0.1:1/"}},
    // Retry
    {"RetryTransient", {"-s", "--retry", "3", "--retry-delay", "0", "{E}/flaky/k1/2"}},
    {"RetryExhausted", {"-sf", "--retry", "1", "--retry-delay", "0", "{E}/status/503"}},
    {"RetryNotOn404", {"-sf", "--retry", "3", "{E}/status/404"}},
    {"RetryAllErrors",
     {"-s", "--retry", "1", "--retry-all-errors", "--retry-delay", "0", "{E}/flaky/k2/1"}},
    {"RetryConnRefused",
     {"-s", "--retry", "1", "--retry-connrefused", "--retry-delay", "0", "http://127.0.0.1:1/"}},
    {"RetryMaxTime",
     {"-s", "--retry", "5", "--retry-delay", "1", "--retry-max-time", "1", "{E}/status/503"}},
    // Parallel
    {"Parallel",
     {"-s", "-Z", "-o", "a", "{N}/hello.txt", "-o", "b", "{N}/dir/a.txt", "-o", "c",
      "{N}/big.txt"}},
    {"ParallelMax",
     {"-s", "-Z", "--parallel-max", "2", "--remote-name-all", "{N}/hello.txt", "{N}/dir/a.txt",
      "{N}/big.txt"}},
    {"ParallelOneFails",
     {"-s", "-Z", "-o", "a", "{N}/hello.txt", "-o", "b", "http://127.0.0.1:1/"}},
    {"ParallelReallyConcurrent",
     {"-s", "-Z", "--parallel-immediate", "--parallel-max", "4", "{E}/together/k/4",
      "{E}/together/k/4", "{E}/together/k/4", "{E}/together/k/4"}},
    {"ProgressBarOption", {"-#", "-o", "out.txt", "{N}/hello.txt"}},
    // FTP
    {"FtpDownload", {"-s", "{F}/pub/file.txt"}},
    {"FtpDownloadToFile", {"-s", "-o", "f.txt", "{F}/pub/file.txt"}},
    {"FtpListing", {"-s", "{F}/pub/"}},
    {"FtpNotFound", {"-s", "{F}/pub/missing.txt"}},
    {"FtpLoginDenied", {"-s", "-u", "user:wrong", "{F}/pub/file.txt"}},
    {"FtpUser", {"-s", "-u", "user:secret", "{F}/pub/other.txt"}},
    {"FtpUploadRefused", {"-s", "-T", "{I}/upload.txt", "{F}/pub/"}},
};

std::vector<diff_case> cases() {
  std::vector<diff_case> all;
  for (const case_text& c : case_table)
    all.push_back({c.name,
                   {c.args.begin(), c.args.end()},
                   c.stdin_text,
                   {c.env.begin(), c.env.end()},
                   c.same_warnings});
  return all;
}

std::string case_name(const ::testing::TestParamInfo<diff_case>& i) { return i.param.name; }

}  // namespace

INSTANTIATE_TEST_SUITE_P(Curl, Differential, ::testing::ValuesIn(cases()), case_name);
