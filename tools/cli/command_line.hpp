#pragma once
// A tool's command line: options bound to variables, with CLI11's grammar, --help and messages.
//
// Why a class of our own around CLI11: Debian's CLI11 (2.1) is header-only, and each file that
// includes it compiles the whole parser, about 17 s per tool and over a minute under ASan+UBSan.
// Behind this class it is compiled once per build, in command_line.cpp.

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class Option;
}  // namespace CLI

namespace copas::tools {

class command_line {
 public:
  // Constraints on one option; each returns *this, to chain.
  class option {
   public:
    option& required();
    option& existing_file();  // names a file that exists
    option& non_negative();   // a number >= 0
    option& range(unsigned lowest, unsigned highest);
    option& needs(option& other);     // given only together with `other`
    option& excludes(option& other);  // never together with `other`

   private:
    friend class command_line;
    explicit option(CLI::Option* cli_option) : cli_option_(cli_option) {}
    CLI::Option* cli_option_;  // owned by the parser
  };

  // `description` heads --help; `name` is the program's name in it (default: argv[0]).
  explicit command_line(const std::string& description, const std::string& name = {});
  ~command_line();
  command_line(const command_line&) = delete;
  command_line& operator=(const command_line&) = delete;

  // `names` as CLI11 writes them: "--listen", "-H,--header". A vector takes every occurrence.
  option& add(const std::string& names, std::string& into, const std::string& help);
  option& add(const std::string& names, double& into, const std::string& help);
  option& add(const std::string& names, unsigned& into, const std::string& help);
  option& add(const std::string& names, std::vector<std::string>& into, const std::string& help);
  option& flag(const std::string& names, bool& into, const std::string& help);

  // Parses argv into the bound variables. nullopt: go on. Otherwise the tool exits with the
  // value: 0 after --help (printed on stdout), 2 after a bad argument (CLI11's message on
  // stderr, the tools' documented "bad arguments" status).
  std::optional<int> parse(int argc, char** argv);

 private:
  struct parser;
  std::unique_ptr<parser> parser_;
};

}  // namespace copas::tools
