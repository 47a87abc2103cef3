#pragma once
#include <string>

namespace copas::url::detail {

// url.lua's remove_dot_components: "." and ".." segments out of a path or a whole URL,
// with empty segments ("//") preserved.
std::string remove_dot_components(std::string path);

}  // namespace copas::url::detail
