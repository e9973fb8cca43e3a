// src/tests/scratch.hpp: where tests that write files put them, one directory
// per test file and process: <tmp>/gradcheck-<suite>-tests-<pid>/<name>.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

namespace gradcheck::tests {

/// The path `name` in the scratch directory of `suite`, which is created.
inline std::filesystem::path scratch(const std::string& suite, const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("gradcheck-" + suite + "-tests-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir / name;
}

}  // namespace gradcheck::tests
