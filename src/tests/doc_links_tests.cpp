// The project's Markdown links resolve: every relative link names a file or
// folder inside the repository and, for `file.md#anchor` or `#anchor`, a
// heading of that file with that anchor. No link leaves the repository
// (issue 23): a link with a scheme (https:, mailto:) is reported too. Links
// inside code (fenced blocks, `spans`) are examples, not links.
#include <unistd.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool is_fence(const std::string& line) { return line.rfind("```", 0) == 0; }

// GitHub's anchor of a heading: lower case, punctuation dropped (letters,
// digits, '_', '-', spaces and non-ASCII bytes kept), each space a '-'; the
// second heading with the same anchor gets "-1", the third "-2", ...
std::set<std::string> anchors(const std::string& text) {
  std::set<std::string> found;
  std::vector<std::string> seen;
  std::istringstream lines(text);
  bool in_code = false;
  const std::regex heading(R"(^#{1,6}[ \t]+(.*?)[ \t#]*$)");
  for (std::string line; std::getline(lines, line);) {
    if (is_fence(line)) in_code = !in_code;
    std::smatch m;
    if (in_code || !std::regex_match(line, m, heading)) continue;
    std::string anchor;
    for (const char c : m[1].str()) {
      const auto u = static_cast<unsigned char>(c);
      if (u >= 0x80 || std::isalnum(u) != 0 || c == '_' || c == '-') {
        anchor += static_cast<char>(u < 0x80 ? std::tolower(u) : u);
      } else if (c == ' ') {
        anchor += '-';
      }
    }
    const auto repeats = std::count(seen.begin(), seen.end(), anchor);
    seen.push_back(anchor);
    found.insert(repeats == 0 ? anchor : anchor + "-" + std::to_string(repeats));
  }
  return found;
}

// The text with fenced blocks and `code spans` blanked (newlines kept).
std::string without_code(const std::string& text) {
  std::string out;
  std::istringstream lines(text);
  bool in_code = false;
  for (std::string line; std::getline(lines, line);) {
    if (is_fence(line)) {
      in_code = !in_code;
      line.clear();
    } else if (in_code) {
      line.clear();
    } else {
      bool in_span = false;
      for (char& c : line) {
        if (c == '`') in_span = !in_span;
        if (in_span || c == '`') c = ' ';
      }
    }
    out += line + '\n';
  }
  return out;
}

// One line per broken link of `file`: "file: target: why".
std::vector<std::string> broken_links(const fs::path& root, const fs::path& file) {
  std::vector<std::string> broken;
  const std::string text = without_code(read_text(file));
  const std::regex link(R"(\[[^\]\n]*\]\(([^)\s]+)\))");
  const std::regex scheme(R"(^[A-Za-z][A-Za-z0-9+.-]*:)");
  const std::string name = fs::relative(file, root).generic_string();
  for (auto it = std::sregex_iterator(text.begin(), text.end(), link); it != std::sregex_iterator(); ++it) {
    const std::string target = (*it)[1];
    const auto report = [&](const char* why) {
      std::string line = name;
      line.append(": ").append(target).append(": ").append(why);
      broken.push_back(std::move(line));
    };
    if (std::regex_search(target, scheme)) {
      report("leaves the repository");
      continue;
    }
    const auto hash = target.find('#');
    const std::string path = target.substr(0, hash);
    const fs::path resolved = path.empty() ? file : (file.parent_path() / path).lexically_normal();
    const std::string inside = resolved.lexically_relative(root).generic_string();
    if (inside.empty() || inside.rfind("..", 0) == 0) {
      report("leaves the repository");
    } else if (!fs::exists(resolved)) {
      report("no such file");
    } else if (hash != std::string::npos) {
      const std::string anchor = target.substr(hash + 1);
      if (resolved.extension() != ".md" || anchors(read_text(resolved)).count(anchor) == 0) {
        report("no heading with that anchor");
      }
    }
  }
  return broken;
}

// README.md, docs/ and every Markdown file of the source folders (build trees left out).
std::vector<fs::path> documents(const fs::path& root) {
  std::vector<fs::path> files = {root / "README.md"};
  for (const char* folder : {"docs", "src", "checks", "bench", "ci", "fixtures", "reports"}) {
    if (!fs::is_directory(root / folder)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root / folder)) {
      if (entry.is_regular_file() && entry.path().extension() == ".md") files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("gradcheck-doc-links-" + std::to_string(::getpid()));
  Scratch() {
    fs::remove_all(dir);
    fs::create_directories(dir / "repo" / "docs");
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() { fs::remove_all(dir); }
  void write(const fs::path& relative, const std::string& text) const { std::ofstream(dir / relative) << text; }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(doc_links)

BOOST_AUTO_TEST_CASE(every_link_of_the_documentation_resolves_inside_the_repository) {
  const fs::path root = fs::path(GRADCHECK_SOURCE_DIR).lexically_normal();
  const std::vector<fs::path> files = documents(root);
  BOOST_TEST_REQUIRE(files.size() >= 10U, "found only " << files.size() << " Markdown files under " << root);
  for (const fs::path& file : files) {
    for (const std::string& problem : broken_links(root, file)) BOOST_ERROR(problem);
  }
}

// The control: a tree with one link of each kind of breakage, beside good
// links and links inside code, reports exactly the broken ones.
BOOST_AUTO_TEST_CASE(broken_links_are_reported_and_good_ones_are_not) {
  const Scratch scratch;
  scratch.write("outside.md", "# Outside\n");
  scratch.write("repo/docs/z.md", "# There\n\n## Twice\n\n## Twice\n");
  scratch.write("repo/README.md",
                "# Title\n\n## A b: c.d\n\n"
                "[ok1](#a-b-cd) [ok2](docs/z.md#there) [ok3](docs/z.md#twice-1) [ok4](docs) [`ok5`](docs/z.md)\n"
                "[bad1](docs/none.md) [bad2](#nope) [bad3](docs/z.md#twice-2) [bad4](https://example.org)\n"
                "[bad5](../outside.md) [bad6](docs#there)\n"
                "`[code](missing.md)`\n\n```\n[fenced](missing.md)\n```\n");
  const fs::path root = scratch.dir / "repo";
  const std::vector<std::string> broken = broken_links(root, root / "README.md");
  const std::vector<std::string> expected = {
      "README.md: docs/none.md: no such file",
      "README.md: #nope: no heading with that anchor",
      "README.md: docs/z.md#twice-2: no heading with that anchor",
      "README.md: https://example.org: leaves the repository",
      "README.md: ../outside.md: leaves the repository",
      "README.md: docs#there: no heading with that anchor",
  };
  BOOST_TEST(broken == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
