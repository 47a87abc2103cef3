#include "command_line.hpp"

#include <CLI/CLI.hpp>

#include <deque>

namespace copas::tools {

struct command_line::parser {
  CLI::App app;
  std::deque<option> options;  // stable addresses: handed out by reference

  option& keep(CLI::Option* o) { return options.emplace_back(option(o)); }
};

command_line::option& command_line::option::required() {
  cli_option_->required();
  return *this;
}

command_line::option& command_line::option::existing_file() {
  cli_option_->check(CLI::ExistingFile);
  return *this;
}

command_line::option& command_line::option::non_negative() {
  cli_option_->check(CLI::NonNegativeNumber);
  return *this;
}

command_line::option& command_line::option::range(unsigned lowest, unsigned highest) {
  cli_option_->check(CLI::Range(lowest, highest));
  return *this;
}

command_line::option& command_line::option::needs(option& other) {
  cli_option_->needs(other.cli_option_);
  return *this;
}

command_line::option& command_line::option::excludes(option& other) {
  cli_option_->excludes(other.cli_option_);
  return *this;
}

command_line::command_line(const std::string& description, const std::string& name)
    : parser_(new parser{CLI::App{description, name}, {}}) {}

command_line::~command_line() = default;

command_line::option& command_line::add(const std::string& names, std::string& into,
                                        const std::string& help) {
  return parser_->keep(parser_->app.add_option(names, into, help));
}

command_line::option& command_line::add(const std::string& names, double& into,
                                        const std::string& help) {
  return parser_->keep(parser_->app.add_option(names, into, help));
}

command_line::option& command_line::add(const std::string& names, unsigned& into,
                                        const std::string& help) {
  return parser_->keep(parser_->app.add_option(names, into, help));
}

command_line::option& command_line::add(const std::string& names, std::vector<std::string>& into,
                                        const std::string& help) {
  return parser_->keep(parser_->app.add_option(names, into, help));
}

command_line::option& command_line::flag(const std::string& names, bool& into,
                                         const std::string& help) {
  return parser_->keep(parser_->app.add_flag(names, into, help));
}

std::optional<int> command_line::parse(int argc, char** argv) {
  try {
    parser_->app.parse(argc, argv);
    return std::nullopt;
  } catch (const CLI::ParseError& e) {
    // exit() prints --help's text or the error; CLI11's own error codes are not the tools'.
    return parser_->app.exit(e) == 0 ? 0 : 2;
  }
}

}  // namespace copas::tools
