// Tests of the settings table (gradcheck/detail/settings_table.hpp, extended
// by runner/settings.hpp): every row's domain is enforced, with the same
// message, by the runner's validator and, for CheckOptions, the library's;
// the help lines and the flags come from the rows; applies-to decides what a
// formula file takes.
#include <fmt/format.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "gradcheck/check.hpp"
#include "gradcheck/detail/settings_table.hpp"
#include "gradcheck/error.hpp"
#include "gradcheck/redraw.hpp"
#include "runner/settings.hpp"

using namespace gradcheck;
using namespace gradcheck::runner;

namespace {

template <class T>
constexpr bool checked_v = std::is_arithmetic_v<T> || std::is_same_v<T, Range>;

// Values just outside a domain: below its lower end, above its upper end, and for numbers NaN and infinity.
template <class T>
std::vector<T> outside(const Domain& d) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  std::vector<T> v;
  if constexpr (std::is_same_v<T, double>) {
    v = {d.lo_open ? d.lo : std::nextafter(d.lo, -inf), std::numeric_limits<double>::quiet_NaN(), inf};
    if (std::isfinite(d.hi)) v.push_back(d.hi_open ? d.hi : std::nextafter(d.hi, inf));
  } else {
    const auto lo = static_cast<long>(d.lo);
    const auto hi = static_cast<long>(d.hi);
    if constexpr (std::is_same_v<T, Range>) {
      v = {Range{lo - 1, lo - 1}, Range{hi + 1, hi + 1}};
    } else {
      v = {static_cast<T>(lo - 1)};
      if (std::isfinite(d.hi)) v.push_back(static_cast<T>(hi + 1));
    }
  }
  return v;
}

// Values at a domain's ends, or just inside an open one. A range only at its
// lower end: at the upper, V x d and n x n are capped besides.
template <class T>
std::vector<T> at_ends(const Domain& d) {
  if constexpr (std::is_same_v<T, double>) {
    std::vector<T> v = {d.lo_open ? std::nextafter(d.lo, d.hi) : d.lo};
    if (std::isfinite(d.hi)) v.push_back(d.hi_open ? std::nextafter(d.hi, d.lo) : d.hi);
    return v;
  } else if constexpr (std::is_same_v<T, Range>) {
    return {Range{static_cast<long>(d.lo), static_cast<long>(d.lo)}};
  } else {
    std::vector<T> v = {static_cast<T>(d.lo)};
    if (std::isfinite(d.hi)) v.push_back(static_cast<T>(d.hi));
    return v;
  }
}

template <class T>
CaseSettings with(const char* name, const T& value) {
  CaseSettings s;
  for_each_setting(s, [&](const Setting& row, auto& field) {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(field)>, T>) {
      if (std::string_view(row.name) == name) field = value;
    }
  });
  return s;
}

// The runner's error for settings `s` (empty if none): as for_case says it of a default.
std::string runner_error(const CaseSettings& s) {
  try {
    SettingsSource("", {"toy"}).for_case("toy", s);
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

// The library's error for settings `s`: of check_gradient & co. (validate),
// and of check_redrawing for resample.
std::string library_error(const CaseSettings& s) {
  try {
    detail::validate(s.check);
    redraw_while_inconclusive(s.resample, [](int /*attempt*/) { return Verdict::pass; });
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(settings_table)

BOOST_AUTO_TEST_CASE(each_domain_is_enforced_by_the_runner_and_the_library_with_one_message) {
  const CaseSettings defaults;
  int rows = 0;
  int library_rows = 0;
  for_each_setting(defaults, [&](const Setting& row, const auto& default_value) {
    using T = std::remove_cvref_t<decltype(default_value)>;
    if constexpr (checked_v<T>) {
      ++rows;
      library_rows += row.applies_to.library ? 1 : 0;
      for (const T& bad : outside<T>(row.domain)) {
        const CaseSettings s = with(row.name, bad);
        const std::string expected = detail::invalid_text(fmt::format("{} = {}", row.name, value_text(bad)), row);
        BOOST_TEST(runner_error(s) == expected);
        if (row.applies_to.library) BOOST_TEST(library_error(s) == expected);
      }
      for (const T& good : at_ends<T>(row.domain)) {
        const CaseSettings s = with(row.name, good);
        BOOST_TEST(runner_error(s) == "", row.name << " = " << value_text(good));
        BOOST_TEST(library_error(s) == "", row.name << " = " << value_text(good));
      }
    }
  });
  // Not vacuous: every number, whole number and range of the table was tried.
  BOOST_TEST(rows == 18);
  BOOST_TEST(library_rows == 10);  // the nine numbers of CheckOptions, and resample
}

BOOST_AUTO_TEST_CASE(the_library_checks_its_options_against_the_table) {
  const auto f = [](const Eigen::VectorXd& x) { return x.squaredNorm(); };
  const auto g = [](const Eigen::VectorXd& x) -> Eigen::VectorXd { return 2 * x; };
  const Eigen::VectorXd x = Eigen::VectorXd::Ones(3);
  CheckOptions o;
  o.samples = 0;
  try {
    check_gradient(f, g, x, o);
    BOOST_FAIL("samples = 0 was accepted");
  } catch (const Error& e) {
    BOOST_TEST(std::string(e.what()) == "samples = 0 is invalid: expected a whole number from 1 to 1000000");
  }
  o = CheckOptions{};
  o.threads = 2000;
  try {
    plan(10, o);
    BOOST_FAIL("threads = 2000 was accepted");
  } catch (const Error& e) {
    BOOST_TEST(std::string(e.what()) ==
               "threads = 2000 is invalid: expected a whole number from 0 (all cores) to 1024");
  }
  BOOST_TEST(check_gradient(f, g, x, CheckOptions{}).passed);  // the defaults lie in the table's domains
}

BOOST_AUTO_TEST_CASE(help_and_expected_texts_come_from_the_domain) {
  const auto row = [](const char* name) { return find_setting(name).value(); };
  BOOST_TEST(detail::help_text(row("trials")) == "randomized trials per case (>= 1)");
  BOOST_TEST(detail::expected_text(row("step")) == "a number > 0");
  BOOST_TEST(detail::expected_text(row("scale")) == "a number with 0 < scale <= 1e6");
  BOOST_TEST(detail::expected_text(row("threads")) == "a whole number from 0 (all cores) to 1024");
  BOOST_TEST(detail::help_text(row("threads")).ends_with("(0 to 1024; 0: all cores)"));
  BOOST_TEST(detail::expected_text(row("V")) == "a range within 2..100000");
  BOOST_TEST(!find_setting("tirals"));
  BOOST_TEST(!find_setting("report_dir"));  // a flag of the CLI, not a setting of a case
}

BOOST_AUTO_TEST_CASE(every_row_is_a_flag_and_only_the_sizes_and_scale_skip_formula_files) {
  const boost::program_options::options_description flags = setting_flags();
  std::vector<std::string> built_in_only;
  int names = 0;
  const CaseSettings defaults;
  for_each_setting(defaults, [&](const Setting& row, const auto& /*field*/) {
    ++names;
    BOOST_TEST((flags.find_nothrow(row.name, false) != nullptr), row.name);
    BOOST_TEST(row.applies_to.word2vec_cases, row.name);
    if (!row.applies_to.formula_files) built_in_only.emplace_back(row.name);
  });
  BOOST_TEST(names == 20);
  BOOST_TEST(built_in_only == (std::vector<std::string>{"V", "d", "m", "K", "n", "alpha", "scale"}),
             boost::test_tools::per_element());
  BOOST_TEST((flags.find_nothrow("report_dir", false) == nullptr));
}

BOOST_AUTO_TEST_SUITE_END()
