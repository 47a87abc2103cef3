#pragma once
// A fresh directory under the system's temp directory ("copas-<tag>-XXXXXX", mode 0700),
// removed with its contents by the destructor.
#include <string>
#include <string_view>

namespace copas::test {

struct temp_dir {
  explicit temp_dir(std::string_view tag = "test");
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  std::string path;
};

}  // namespace copas::test
