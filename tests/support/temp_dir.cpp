#include "temp_dir.hpp"

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>

namespace copas::test {

namespace fs = std::filesystem;

temp_dir::temp_dir(std::string_view tag) {
  std::string tmpl =
      (fs::temp_directory_path() / ("copas-" + std::string(tag) + "-XXXXXX")).string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path = tmpl;
}

temp_dir::~temp_dir() {
  std::error_code ec;
  fs::remove_all(path, ec);
}

}  // namespace copas::test
