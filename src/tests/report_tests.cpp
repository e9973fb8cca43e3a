// Tests of the reports people and CI read: step-size curves, the worst
// trial and its named entries, the HTML and JUnit documents (parsed back as
// XML), text made valid XML, and atomic writing.
#include <fcntl.h>
#include <sys/file.h>

#include <algorithm>
#include <boost/property_tree/xml_parser.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gradcheck/error.hpp"
#include "report/atomic_write.hpp"
#include "report/queries.hpp"
#include "report/report.hpp"
#include "report/summary.hpp"
#include "report/xml.hpp"
#include "runner/record.hpp"
#include "runner/run_case.hpp"
#include "runner/step_curve.hpp"
#include "scratch.hpp"

using namespace gradcheck;
using namespace gradcheck::report;
using namespace gradcheck::runner;
using Eigen::MatrixXd;
using Eigen::VectorXd;
namespace fs = std::filesystem;
namespace pt = boost::property_tree;

namespace {

// J(x) = Σ sin x_i with gradient cos x: smooth with a non-zero third
// derivative, so its central difference has a truncation error to plot.
// Control 0 doubles the gradient; control 1 has the wrong shape.
CheckCase sine_case(bool formula_right = true) {
  return name_controls({
      .id = "sine",
      .notes = "(s)",
      .description = "sum of sines <&> \"quoted\"",
      .formula = "dJ/dx = cos x",
      .convention = "x in R^n",
      .sample =
          [formula_right](Rng& rng, const CaseSettings& s, int) {
            const Eigen::Index n = random_index(rng, s.sizes.n.lo, s.sizes.n.hi);
            Problem p;
            p.point = "n=" + std::to_string(n);
            p.layout = {{"x", n, 1}};
            p.x = random_normal(rng, n);
            p.f = [](const VectorXd& x) { return VectorXd::Constant(1, x.array().sin().sum()); };
            p.claim = [formula_right](const VectorXd& x) {
              return std::vector<MatrixXd>{formula_right ? MatrixXd(x.array().cos().matrix())
                                                         : MatrixXd(x.array().sin().matrix())};
            };
            p.controls = {
                {"doubled", "2 cos x",
                 [](const VectorXd& x) { return std::vector<MatrixXd>{MatrixXd(2.0 * x.array().cos().matrix())}; }},
                {"row", "cos x as a row",
                 [](const VectorXd& x) {
                   return std::vector<MatrixXd>{MatrixXd(x.array().cos().matrix().transpose())};
                 }},
            };
            return p;
          },
  });
}

CaseSettings small_settings(int trials) {
  CaseSettings s;
  s.trials = trials;
  s.sizes.n = {3, 8};
  return s;
}

pt::ptree parse_xml(const std::string& text) {
  std::istringstream in(text);
  pt::ptree tree;
  pt::read_xml(in, tree);  // throws on anything not well-formed
  return tree;
}

// Reports of a right and a wrong case with step curves: every optional part
// of each report is present (reproduce lines, failures, plots).
std::vector<CaseReport> both_reports() {
  static const CheckCase right = sine_case();
  static const CheckCase wrong = [] {
    CheckCase c = sine_case(false);
    c.id = "sine_wrong";
    return c;
  }();
  return {record_case(right, small_settings(2), 1), record_case(wrong, small_settings(2), 1)};
}

// The paths of a JSON document's values, "cases[].trial_results[].allowance"
// (an array's elements all as []); empty arrays and objects count as values.
void key_paths(const nlohmann::ordered_json& j, const std::string& path, std::set<std::string>& out) {
  if (j.is_object() && !j.empty()) {
    for (const auto& [key, value] : j.items()) {
      std::string inner = path;
      if (!inner.empty()) inner += '.';
      key_paths(value, inner += key, out);
    }
  } else if (j.is_array() && !j.empty()) {
    for (const auto& value : j) key_paths(value, path + "[]", out);
  } else {
    out.insert(path);
  }
}

std::string joined(const std::set<std::string>& keys) {
  std::string text;
  for (const std::string& k : keys) text += "\n  " + k;
  return text;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(report)

BOOST_AUTO_TEST_CASE(a_trial_is_judged_again_exactly) {
  const CheckCase c = sine_case();
  const CaseSettings s = small_settings(4);
  const CaseReport r = run_case(c, s, 11);
  std::optional<Problem> judged;
  const TrialReport again = run_trial(c, s, 11, 2, &judged);
  BOOST_TEST(again.point == r.trials[2].point);
  BOOST_TEST(again.formula.result.worst_error == r.trials[2].formula.result.worst_error);
  BOOST_TEST(again.formula.worst_entry == r.trials[2].formula.worst_entry);
  BOOST_REQUIRE(judged.has_value());
  BOOST_TEST(judged->x.size() == again.layout.front().rows);
  BOOST_TEST(again.layout.front().name == "x");
}

BOOST_AUTO_TEST_CASE(a_right_formula_dips_in_a_v_and_a_wrong_one_stays_on_a_floor) {
  const CheckCase c = sine_case();
  const CaseSettings s = small_settings(3);
  const StepCurves curves = step_curves(c, s, 5, 1);
  BOOST_TEST(curves.note.empty());
  BOOST_TEST(curves.steps.size() == 45U);  // 1e-1 .. 1e-12, four per decade
  BOOST_TEST(curves.steps.front() == 1e-1);
  BOOST_TEST(std::abs(curves.steps.back() / 1e-12 - 1.0) < 1e-12);
  const std::vector<double>& f = curves.formula.error;
  BOOST_REQUIRE(f.size() == curves.steps.size());
  const auto best = std::min_element(f.begin(), f.end());
  BOOST_TEST(*best < 1e-9);             // reaches down toward 1e-10
  BOOST_TEST(f.front() > 1e3 * *best);  // truncation at the large steps
  BOOST_TEST(f.back() > 1e2 * *best);   // rounding at the small steps
  const auto at = best - f.begin();
  BOOST_TEST(at > 0);  // a V, not a slope
  BOOST_TEST(at < static_cast<std::ptrdiff_t>(f.size()) - 1);
  BOOST_TEST(curves.formula.entry.rfind("x[", 0) == 0);

  BOOST_REQUIRE(curves.controls.size() == 2U);
  const StepCurve& doubled = curves.controls[0];
  BOOST_TEST(doubled.label == "doubled");
  // Off by cos x_j itself at every step: a flat floor far above the formula's best.
  const double floor = std::abs(doubled.analytic) / 2.0;
  for (std::size_t k = 0; k < doubled.error.size(); ++k) {
    if (curves.steps[k] <= 1e-2 && curves.steps[k] >= 1e-9) {
      BOOST_TEST(std::abs(doubled.error[k] / floor - 1.0) < 1e-2);
    }
  }
  BOOST_TEST(curves.controls[1].error.empty());  // wrong shape: no curve, a note
  BOOST_TEST(curves.controls[1].note.find("your claim for") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_worst_trial_and_its_named_entries) {
  const CheckCase c = sine_case(false);  // sin for cos: fails in every trial
  const CaseReport r = run_case(c, small_settings(3), 2);
  const int w = worst_trial(r);
  BOOST_REQUIRE(w >= 0);
  const TrialReport& t = r.trials[static_cast<std::size_t>(w)];
  for (const TrialReport& u : r.trials) BOOST_TEST(u.formula.result.worst_ratio <= t.formula.result.worst_ratio);
  const std::vector<EntryRow> rows = worst_entries(t.formula, t.layout, t.kind, 2);
  BOOST_REQUIRE(rows.size() == 2U);
  BOOST_TEST(rows[0].entry == t.formula.worst_entry);
  BOOST_TEST(rows[0].ratio >= rows[1].ratio);
  BOOST_TEST(rows[0].error == std::abs(rows[0].analytic - rows[0].numeric));
  BOOST_TEST(rows[0].ratio > 1.0);
  BOOST_TEST(worst_entries(t.controls[1], t.layout, t.kind).empty());  // nothing compared
  BOOST_TEST(worst_entry_text(t.formula).find(t.formula.worst_entry + ": analytic") == 0U);
}

// record_case makes the whole record the reports show: the trials, the
// reproduce line's flags and target, the step curves of the trial shown in
// detail, the time taken. run_case alone leaves the last three out.
BOOST_AUTO_TEST_CASE(a_record_is_complete) {
  const CheckCase c = sine_case(false);
  const CaseSettings s = small_settings(3);
  const CaseReport r = record_case(c, s, 4, {.reproduce_flags = " --trials 3", .reproduce_target = "formula s.gcf"});
  const CaseReport bare = run_case(c, s, 4);
  BOOST_REQUIRE(r.trials.size() == bare.trials.size());
  for (std::size_t k = 0; k < r.trials.size(); ++k) BOOST_TEST(r.trials[k].point == bare.trials[k].point);
  const int w = worst_trial(r);
  BOOST_REQUIRE(w >= 0);
  BOOST_REQUIRE(r.curves.has_value());
  BOOST_TEST(r.curves->trial == r.trials[static_cast<std::size_t>(w)].trial);
  BOOST_TEST(r.curves->formula.entry == r.trials[static_cast<std::size_t>(w)].formula.worst_entry);
  BOOST_TEST(r.reproduce(2) == "gradcheck formula s.gcf --seed 4 --trial 2 --trials 3");
  BOOST_TEST(r.seconds > 0.0);
  BOOST_TEST(!bare.curves.has_value());
  BOOST_TEST(bare.reproduce(2) == "gradcheck run sine --seed 4 --trial 2");
  BOOST_TEST(bare.seconds == 0.0);
  // One trial alone (--trial): its curves are that trial's.
  const CaseReport one = record_case(c, s, 4, {.only_trial = 1});
  BOOST_REQUIRE(one.trials.size() == 1U);
  BOOST_TEST(one.curves->trial == 1);
}

// The summary the CLI prints and the Boost.Test runner reports: one line for
// a passing case; for a failing one, its failure with the reproduce line.
BOOST_AUTO_TEST_CASE(the_case_summary_says_what_failed) {
  const std::vector<CaseReport> reports = both_reports();
  const std::string right = case_summary(reports[0]);
  const std::string wrong = case_summary(reports[1]);
  BOOST_TEST(right.rfind("PASS  sine ", 0) == 0U, right);
  BOOST_TEST(std::count(right.begin(), right.end(), '\n') == 1);
  BOOST_TEST(right.find("controls rejected 2/2  seed 1\n") != std::string::npos, right);
  BOOST_TEST(wrong.rfind("FAIL  sine_wrong ", 0) == 0U, wrong);
  BOOST_TEST(std::count(wrong.begin(), wrong.end(), '\n') == 2);
  BOOST_TEST(wrong.find("\n      trial 0 (n=") != std::string::npos, wrong);
  BOOST_TEST(wrong.find(": x[") != std::string::npos, wrong);  // the worst entry, named
  BOOST_TEST(wrong.find("; reproduce: gradcheck run sine_wrong --seed 1 --trial 0\n") != std::string::npos, wrong);
  // Coloured for a terminal, the same columns: only the escape codes differ.
  const std::string coloured = case_summary(reports[1], true);
  BOOST_TEST(coloured.find("\x1b[") == 0U);
  BOOST_TEST(wrong.find('\x1b') == std::string::npos);
  BOOST_TEST(std::regex_replace(coloured, std::regex("\x1b\\[[0-9;]*m"), "") == wrong);

  const Totals t = totals(reports);
  BOOST_TEST(t.cases == 2);
  BOOST_TEST(t.passed == 1);
  BOOST_TEST(t.failed == 1);
  BOOST_TEST(t.inconclusive == 0);
  BOOST_TEST(t.controls == 4);
  BOOST_TEST(t.caught == 4);
}

BOOST_AUTO_TEST_CASE(html_and_junit_are_well_formed_and_name_everything) {
  const std::vector<CaseReport> reports = both_reports();
  const RunInfo info{.seed = 1, .fixture = "", .command_line = "gradcheck run --seed 1 <&>"};

  const std::string html = to_html(reports, info);
  BOOST_TEST(html.rfind("<!DOCTYPE html>\n<html", 0) == 0U);
  const pt::ptree page = parse_xml(html);
  BOOST_TEST(page.get<std::string>("html.head.title") == "gradcheck report");
  BOOST_TEST(html.find("id=\"case-sine\"") != std::string::npos);
  BOOST_TEST(html.find("id=\"case-sine_wrong\"") != std::string::npos);
  BOOST_TEST(html.find("sum of sines &lt;&amp;&gt; &quot;quoted&quot;") != std::string::npos);
  BOOST_TEST(html.find("<polyline") != std::string::npos);
  BOOST_TEST(html.find(reports[1].reproduce(0)) != std::string::npos);
  BOOST_TEST(html.find("<script") == std::string::npos);
  BOOST_TEST(html.find("http://www.w3.org/2000/svg") != std::string::npos);
  BOOST_TEST(html.find("https:") == std::string::npos);  // nothing fetched
  // No HTML element but a void one is self-closed (an HTML parser would leave
  // it open); SVG elements may be.
  const std::regex self_closed(R"(<(\w+)[^<>]*/>)");
  const std::set<std::string> allowed = {"meta", "line", "polyline", "circle", "rect", "br"};
  for (auto m = std::sregex_iterator(html.begin(), html.end(), self_closed); m != std::sregex_iterator(); ++m) {
    BOOST_TEST(allowed.count((*m)[1].str()) == 1U, "self-closed <" << (*m)[1].str() << "/>");
  }

  const std::string junit = to_junit(reports, info);
  const pt::ptree doc = parse_xml(junit);
  const pt::ptree& suites = doc.get_child("testsuites");
  BOOST_TEST(suites.get<int>("<xmlattr>.tests") == 6);  // (formula + 2 controls) x 2 cases
  int testcases = 0;
  int failures = 0;
  for (const auto& [name, suite] : suites) {
    if (name != "testsuite") continue;
    for (const auto& [tag, test] : suite) {
      if (tag != "testcase") continue;
      ++testcases;
      if (const auto failure = test.get_child_optional("failure")) {
        ++failures;
        const std::string message = failure->get<std::string>("<xmlattr>.message");
        BOOST_TEST(message.find("reproduce: gradcheck run sine_wrong --seed 1 --trial ") != std::string::npos);
        BOOST_TEST(message.find(": x[") != std::string::npos);  // the worst entry, named
      }
    }
  }
  BOOST_TEST(testcases == 6);
  BOOST_TEST(failures == 1);  // the wrong formula; its controls are still rejected
  BOOST_TEST(suites.get<int>("<xmlattr>.failures") == 1);
}

// The JSON report's keys against the committed golden list
// src/tests/golden/json_keys.txt: a field dropped, renamed or moved turns this
// red (the reproduce and same-seed tests compare the writer with itself). Each
// key is documented in reports/README.md, so a new one goes there and into the list.
BOOST_AUTO_TEST_CASE(json_report_has_every_documented_key) {
  const std::vector<CaseReport> reports = both_reports();
  const RunInfo info{.seed = 1, .fixture = "f.cfg", .command_line = "gradcheck run --seed 1"};
  std::set<std::string> keys;
  key_paths(to_json(reports, info), "", keys);

  const fs::path source = GRADCHECK_SOURCE_DIR;
  std::ifstream golden_file(source / "src/tests/golden/json_keys.txt");
  BOOST_TEST_REQUIRE(golden_file.good());
  std::set<std::string> golden;
  for (std::string line; std::getline(golden_file, line);) {
    if (!line.empty() && line[0] != '#') golden.insert(line);
  }
  std::set<std::string> missing;
  std::set<std::string> extra;
  std::set_difference(golden.begin(), golden.end(), keys.begin(), keys.end(), std::inserter(missing, missing.end()));
  std::set_difference(keys.begin(), keys.end(), golden.begin(), golden.end(), std::inserter(extra, extra.end()));
  BOOST_TEST(missing.empty(), "keys of the golden list missing from the report:" << joined(missing));
  BOOST_TEST(extra.empty(), "keys of the report not in the golden list:" << joined(extra));

  // Documented: each key's name in backquotes in reports/README.md (the
  // settings by their CLI/fixture names, which the README points to).
  const std::string readme = read_file(source / "reports/README.md");
  for (const std::string& k : golden) {
    if (k.find(".settings.") != std::string::npos) continue;
    const std::size_t dot = k.find_last_of('.');
    std::string name = dot == std::string::npos ? k : k.substr(dot + 1);
    while (name.size() > 2 && name.ends_with("[]")) name.resize(name.size() - 2);
    BOOST_TEST(readme.find("`" + name + "`") != std::string::npos, k << ": `" << name << "` not in reports/README.md");
  }
}

// What CI and people read first: JUnit's suites, cases, properties and
// failures with their attributes; the HTML page's title, sections and the
// columns of its summary and worst-entry tables.
BOOST_AUTO_TEST_CASE(junit_and_html_have_their_essential_elements) {
  const std::vector<CaseReport> reports = both_reports();
  const RunInfo info{.seed = 1, .fixture = "", .command_line = "gradcheck run --seed 1"};

  const pt::ptree doc = parse_xml(to_junit(reports, info));
  const pt::ptree& suites = doc.get_child("testsuites");
  for (const char* attribute : {"name", "tests", "failures", "errors", "skipped", "time"}) {
    BOOST_TEST(suites.get_optional<std::string>(std::string("<xmlattr>.") + attribute).has_value(), attribute);
  }
  std::vector<std::string> names;
  int failures = 0;
  for (const auto& [tag, suite] : suites) {
    if (tag == "<xmlattr>") continue;
    BOOST_TEST(tag == "testsuite");
    names.push_back(suite.get("<xmlattr>.name", std::string()));
    for (const char* attribute : {"tests", "failures", "errors", "skipped", "time", "timestamp"}) {
      BOOST_TEST(suite.get_optional<std::string>(std::string("<xmlattr>.") + attribute).has_value(), attribute);
    }
    std::set<std::string> properties;
    const pt::ptree none;
    for (const auto& [ptag, property] : suite.get_child("properties", none)) {
      if (ptag == "property") properties.insert(property.get("<xmlattr>.name", std::string()));
    }
    BOOST_TEST(
        (properties == std::set<std::string>{"notes", "formula", "convention", "seed", "trials", "command_line"}),
        "properties:" << joined(properties));
    std::vector<std::string> cases;
    for (const auto& [ctag, test] : suite) {
      if (ctag != "testcase") continue;
      cases.push_back(test.get("<xmlattr>.name", std::string()));
      BOOST_TEST(test.get("<xmlattr>.classname", std::string()) == "gradcheck." + names.back());
      BOOST_TEST(test.get_optional<std::string>("<xmlattr>.time").has_value());
      if (const auto failure = test.get_child_optional("failure")) {
        ++failures;
        BOOST_TEST(!failure->get("<xmlattr>.message", std::string()).empty());
        BOOST_TEST(failure->get_optional<std::string>("<xmlattr>.type").has_value());
      }
    }
    const std::vector<std::string> expected = {names.back(), names.back() + "/doubled", names.back() + "/row"};
    BOOST_TEST(cases == expected, boost::test_tools::per_element());
  }
  BOOST_TEST((names == std::vector<std::string>{"sine", "sine_wrong"}), boost::test_tools::per_element());
  BOOST_TEST(failures == 1);

  const std::string html = to_html(reports, info);
  const pt::ptree page = parse_xml(html);
  BOOST_TEST(page.get<std::string>("html.head.title") == "gradcheck report");
  const auto headings = [&html](const std::string& tag) {
    std::vector<std::string> found;
    const std::regex heading("<" + tag + "[^>]*>([^<]*)</" + tag + ">");
    for (auto m = std::sregex_iterator(html.begin(), html.end(), heading); m != std::sregex_iterator(); ++m) {
      found.push_back((*m)[1].str());
    }
    return found;
  };
  const std::vector<std::string> h2 = headings("h2");
  for (const char* section : {"Summary", "Cases", "Negative controls", "Run settings"}) {
    BOOST_TEST(std::count(h2.begin(), h2.end(), section) == 1, section);
  }
  // The summary table: its columns, and a row per case.
  const std::size_t summary = html.find("<h2>Summary</h2>");
  BOOST_TEST_REQUIRE(summary != std::string::npos);
  const std::size_t end = html.find("</table>", summary);
  BOOST_TEST_REQUIRE(end != std::string::npos);
  const std::string table = html.substr(summary, end - summary);
  std::vector<std::string> columns;
  const std::regex th("<th[^>]*>([^<]*)</th>");
  for (auto m = std::sregex_iterator(table.begin(), table.end(), th); m != std::sregex_iterator(); ++m) {
    columns.push_back((*m)[1].str());
  }
  const std::vector<std::string> expected = {"case",
                                             "notes",
                                             "verdict",
                                             "worst entry",
                                             "error",
                                             "allowance",
                                             "exact vs numeric",
                                             "trials",
                                             "controls rejected",
                                             "seed"};
  BOOST_TEST(columns == expected, boost::test_tools::per_element());
  BOOST_TEST(table.find("case-sine\"") != std::string::npos);
  BOOST_TEST(table.find("case-sine_wrong\"") != std::string::npos);
  // Each case's worst entries: named, with both values, the error and the allowance.
  for (const char* column : {"<th>entry</th>", "<th>analytic</th>", "<th>numeric</th>", "<th>error</th>",
                             "<th>allowance</th>", "<th>error / allowance</th>"}) {
    BOOST_TEST(html.find(column, end) != std::string::npos, column);
  }
}

BOOST_AUTO_TEST_CASE(text_is_made_valid_xml) {
  BOOST_TEST(xml::valid_text("plain ŷ − text\t\n") == "plain ŷ − text\t\n");
  BOOST_TEST(xml::valid_text("bell\a esc\x1b") == "bell\xEF\xBF\xBD esc\xEF\xBF\xBD");
  BOOST_TEST(xml::valid_text("cut \xC3") == "cut \xEF\xBF\xBD");  // truncated sequence
  BOOST_TEST(xml::valid_text("overlong \xC0\xAF") == "overlong \xEF\xBF\xBD\xEF\xBF\xBD");
  BOOST_TEST(xml::valid_text("surrogate \xED\xA0\x80") == "surrogate \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  xml::Tree doc;
  xml::Node(doc).add("r", "a\x01<b>").attr("k", "\"\x02");
  const pt::ptree back = parse_xml(xml::write(doc));
  BOOST_TEST(back.get<std::string>("r") == "a\xEF\xBF\xBD<b>");
  BOOST_TEST(back.get<std::string>("r.<xmlattr>.k") == "\"\xEF\xBF\xBD");
}

BOOST_AUTO_TEST_CASE(reports_are_renamed_into_place_together) {
  const fs::path dir = tests::scratch("report", "together");
  fs::remove_all(dir);
  prepare_report_dir(dir);
  write_atomically({{dir / "a.json", "{}\n"}, {dir / "b.html", "<p>b</p>\n"}});
  write_atomically({{dir / "a.json", "[]\n"}, {dir / "b.html", "<p>c</p>\n"}});
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  BOOST_TEST(files == 2);  // no temporary left behind
  std::ifstream a(dir / "a.json");
  BOOST_TEST(std::string(std::istreambuf_iterator<char>(a), {}) == "[]\n");
  // A directory that cannot take the file: an error naming it, nothing left.
  BOOST_CHECK_THROW(write_atomically({{dir / "missing" / "x.json", "{}"}}), Error);
}

BOOST_AUTO_TEST_CASE(temporaries_of_killed_runs_are_removed) {
  const fs::path dir = tests::scratch("report", "stale");
  fs::remove_all(dir);
  fs::create_directories(dir);
  // A writer holds a lock on its temporaries until they are renamed; a killed
  // one's lock is gone. The pid in the name decides nothing: a live writer in
  // another PID namespace may have any pid, even one that does not exist here
  // (4194304 + 1 is above Linux's pid_max).
  const fs::path stale = dir / ".gradcheck.json.tmp.1.0-0badf00d";  // unlocked, though pid 1 is alive
  const fs::path live = dir / ".gradcheck.json.tmp.4194305.0-0badf00d";
  const fs::path other = dir / ".notes.txt";
  const fs::path lookalike = dir / ".notes.tmp.txt";
  for (const fs::path& p : {stale, live, other, lookalike}) std::ofstream(p) << "partial";
  // flock() locks belong to an open file: this descriptor's lock conflicts with
  // one taken through another open() of the file, even in this process.
  const int fd = ::open(live.c_str(), O_RDWR | O_CLOEXEC);
  BOOST_REQUIRE(fd >= 0);
  BOOST_REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
  prepare_report_dir(dir);
  BOOST_TEST(!fs::exists(stale));
  BOOST_TEST(fs::exists(live));
  BOOST_TEST(fs::exists(other));
  BOOST_TEST(fs::exists(lookalike));
  ::close(fd);  // the writer dies: the next run removes its temporary
  prepare_report_dir(dir);
  BOOST_TEST(!fs::exists(live));
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  BOOST_TEST(files == 2);  // and leaves no probe behind
}

BOOST_AUTO_TEST_SUITE_END()
