// The arrows of docs/architecture.md hold: every `#include "..."` of a part
// names a file of that part, of a part its line in the arrows block lists, or
// of the public API; so the engine includes nothing of runner, report, formula
// or CLI, and no two parts include each other. The tests' own folders are not
// parts. Planted includes against the arrows are reported (the control).
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path source_dir = GRADCHECK_SOURCE_DIR;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The arrows block: "src/cli/ → checks/, src/formula/, ..." per part, up to
// the line naming every part's arrow to the public API.
std::map<std::string, std::set<std::string>> arrows(const std::string& doc) {
  std::map<std::string, std::set<std::string>> out;
  const std::regex line(R"(^(\S+/)\s+→ (.*)$)");
  const std::regex part(R"(([a-z0-9_]+(/[a-z0-9_]+)*/))");
  std::istringstream lines(doc);
  for (std::string l; std::getline(lines, l);) {
    std::smatch m;
    if (!std::regex_match(l, m, line)) continue;
    std::set<std::string>& to = out[m[1].str()];
    // Parentheses hold remarks: "(its Boost.Test runner only)", "(nothing of ours)".
    const std::string rest = std::regex_replace(m[2].str(), std::regex(R"(\([^)]*\))"), "");
    for (std::sregex_iterator it(rest.begin(), rest.end(), part), end; it != end; ++it) to.insert((*it)[1].str());
  }
  return out;
}

// The part a repository path lies in: the longest part that prefixes it.
std::string part_of(const std::string& path, const std::map<std::string, std::set<std::string>>& parts) {
  std::string best;
  for (const auto& [p, to] : parts) {
    if (path.rfind(p, 0) == 0 && p.size() > best.size()) best = p;
  }
  return best;
}

// Where an include of `header` from `file` resolves: beside the file, under
// src/ (how the targets' include paths name runner/..., report/...), or a
// public header; "" for an include of none of ours.
std::string resolve(const std::string& file, const std::string& header) {
  for (const fs::path& base : {(source_dir / file).parent_path(), source_dir / "src", source_dir / "src/include",
                               source_dir / "src/word2vec/include", source_dir / "checks"}) {
    const fs::path candidate = (base / header).lexically_normal();
    if (fs::exists(candidate)) return candidate.lexically_relative(source_dir).generic_string();
  }
  return {};
}

// A source file: its path in the repository and its text.
struct Source {
  std::string path;
  std::string text;
};

// Every include against the arrows, as "from -> to".
std::vector<std::string> violations(const std::map<std::string, std::set<std::string>>& parts,
                                    const std::vector<Source>& files) {
  const std::regex include(R"(#include\s+"([^"]+)\")");
  std::vector<std::string> out;
  for (const auto& [from, text] : files) {
    const std::string source = part_of(from, parts);
    if (source.empty() || from.find("/tests/") != std::string::npos) continue;
    for (std::sregex_iterator it(text.begin(), text.end(), include), end; it != end; ++it) {
      const std::string to = resolve(from, (*it)[1].str());
      const std::string target = part_of(to, parts);
      if (to.empty() || to.rfind("src/include/", 0) == 0 || target == source) continue;
      if (target.empty() || parts.at(source).count(target) == 0U)
        out.push_back(std::string(from).append(" -> ").append(to));
    }
  }
  return out;
}

std::vector<Source> sources() {
  std::vector<Source> files;
  for (const char* dir : {"src", "checks", "bench"}) {
    for (const auto& e : fs::recursive_directory_iterator(source_dir / dir)) {
      const std::string ext = e.path().extension().string();
      if (!e.is_regular_file() || (ext != ".cpp" && ext != ".hpp")) continue;
      files.push_back({e.path().lexically_relative(source_dir).generic_string(), read_text(e.path())});
    }
  }
  return files;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(layers)

BOOST_AUTO_TEST_CASE(every_include_follows_the_arrows_of_the_architecture) {
  const auto parts = arrows(read_text(source_dir / "docs/architecture.md"));
  BOOST_TEST_REQUIRE(parts.size() >= 8U, "the arrows block of docs/architecture.md was not found");
  BOOST_TEST(parts.at("src/engine/").empty());
  const std::vector<std::string> wrong = violations(parts, sources());
  for (const std::string& v : wrong) BOOST_TEST_MESSAGE("against the arrows: " << v);
  BOOST_TEST(wrong.empty(), wrong.size() << " includes against the arrows, first: " << (wrong.empty() ? "" : wrong[0]));
}

BOOST_AUTO_TEST_CASE(includes_against_the_arrows_are_reported) {
  const auto parts = arrows(read_text(source_dir / "docs/architecture.md"));
  const std::vector<std::string> wrong =
      violations(parts, {{"src/engine/planted.cpp", "#include \"runner/case.hpp\"\n#include \"worker.hpp\"\n"},
                         {"src/runner/planted.cpp", "#include \"report/report.hpp\"\n"},
                         {"src/report/planted.cpp", "#include \"runner/case.hpp\"\n"}});
  BOOST_TEST_REQUIRE(wrong.size() == 2U);
  BOOST_TEST(wrong[0] == "src/engine/planted.cpp -> src/runner/case.hpp");
  BOOST_TEST(wrong[1] == "src/runner/planted.cpp -> src/report/report.hpp");
}

BOOST_AUTO_TEST_SUITE_END()
