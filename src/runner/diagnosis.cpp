#include "runner/diagnosis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

namespace gradcheck::runner {
namespace {

using Eigen::Index;

// One judged entry of the comparison.
struct Entry {
  Index input = -1;  // coordinate of x (or of the values); -1 for a direction
  double analytic = 0.0;
  double numeric = 0.0;
  double allowance = 0.0;
  bool failed = false;
  const KinkSlopes* kink = nullptr;  // the slopes at a kink within its first step, if the check found one
};

// Where coordinate k of x lies: its block and the row and column in it.
struct Place {
  std::size_t block = 0;
  Index row = 0;
  Index col = 0;
};

Place place_of(const std::vector<Block>& layout, Index k) {
  for (std::size_t b = 0; b < layout.size(); ++b) {
    const Index size = layout[b].rows * layout[b].cols;
    if (k < size) return {b, k % layout[b].rows, k / layout[b].rows};
    k -= size;
  }
  return {layout.size(), 0, 0};
}

// The judged entries, as report/queries.cpp's worst_entries reads them: an
// elementwise Jacobian's diagonal only, entries with a finite numeric value.
std::vector<Entry> judged_entries(const CheckResult& r, ProblemKind kind) {
  std::vector<Entry> entries;
  auto kink = r.kinks.begin();  // by column, then output: as the entries are visited
  if (r.numeric.rows() != r.analytic.rows() || r.numeric.cols() != r.analytic.cols() ||
      r.allowance.rows() != r.analytic.rows() || r.allowance.cols() != r.analytic.cols()) {
    return entries;
  }
  for (Index col = 0; col < r.analytic.cols(); ++col) {
    const Index input = r.inputs.empty() ? col : r.inputs[static_cast<std::size_t>(col)];
    for (Index row = 0; row < r.analytic.rows(); ++row) {
      if (kind == ProblemKind::elementwise && input >= 0 && row != input) continue;
      const double n = r.numeric(row, col);
      const double allowance = r.allowance(row, col);
      if (!std::isfinite(n) || !std::isfinite(allowance)) continue;
      const double a = r.analytic(row, col);
      while (kink != r.kinks.end() && (kink->column < col || (kink->column == col && kink->output < row))) ++kink;
      const bool at_kink = kink != r.kinks.end() && kink->column == col && kink->output == row;
      entries.push_back({input, a, n, allowance, !(std::abs(a - n) <= allowance), at_kink ? &*kink : nullptr});
    }
  }
  return entries;
}

// Whether claim = c · numeric at every failing entry, within the numeric
// value's own allowance scaled by c (and a hair of rounding).
bool fits_ratio(const std::vector<Entry>& entries, double c) {
  for (const Entry& e : entries) {
    if (!e.failed) continue;
    const double tolerance =
        2.0 * (1.0 + std::abs(c)) * e.allowance + 1e-12 * std::max(std::abs(e.analytic), std::abs(e.numeric));
    if (!(std::abs(e.analytic - c * e.numeric) <= tolerance)) return false;
  }
  return true;
}

std::string ratio_text(int p, int q) {
  const std::string sign = p < 0 ? "\u2212" : "";
  const int a = std::abs(p);
  if (q == 1) return sign + std::to_string(a);
  if (a == 1 && q == 2) return sign + "\u00bd";
  return fmt::format("{}{}/{}", sign, a, q);
}

// The simple ratio p/q (|p|, q <= 4, p/q != 1) every failing entry fits, if any.
std::optional<std::pair<int, int>> simple_ratio(const std::vector<Entry>& entries) {
  for (int q = 1; q <= 4; ++q) {
    for (const int p : {-1, 2, -2, 3, -3, 4, -4, 1}) {
      if ((p == q) || std::gcd(p, q) != 1) continue;
      if (fits_ratio(entries, static_cast<double>(p) / q)) return std::pair{p, q};
    }
  }
  return std::nullopt;
}

// The block every failing entry lies in, if one does (and every failing entry names a coordinate).
std::optional<std::size_t> failing_block(const std::vector<Entry>& entries, const std::vector<Block>& layout) {
  std::optional<std::size_t> block;
  for (const Entry& e : entries) {
    if (!e.failed) continue;
    if (e.input < 0) return std::nullopt;
    const std::size_t b = place_of(layout, e.input).block;
    if (b >= layout.size() || (block && *block != b)) return std::nullopt;
    block = b;
  }
  return block;
}

struct Location {
  std::string kind;  // "block", "row", "column", "entry"
  std::string text;
};

// "only row 2 of U is wrong; v_c passes" when the failing entries are confined
// to a part of x whose other entries were judged and passed.
std::optional<Location> locate(const std::vector<Entry>& entries, const std::vector<Block>& layout) {
  const std::optional<std::size_t> block = failing_block(entries, layout);
  if (!block) return std::nullopt;
  const Block& b = layout[*block];
  std::set<std::size_t> passing_blocks;
  std::vector<Place> failing;
  std::vector<Place> passing_here;  // judged, passing entries of the failing block
  Index failing_input = -1;
  for (const Entry& e : entries) {
    if (e.input < 0) continue;
    const Place p = place_of(layout, e.input);
    if (p.block >= layout.size()) continue;
    if (e.failed) {
      failing.push_back(p);
      failing_input = e.input;
    } else if (p.block == *block) {
      passing_here.push_back(p);
    } else {
      passing_blocks.insert(p.block);
    }
  }
  // Blocks with no judged entry say nothing: each must have one that passed.
  std::string others;
  const bool all_others_pass = passing_blocks.size() + 1 == layout.size();
  if (layout.size() > 1 && all_others_pass) {
    std::vector<std::string> names;
    names.reserve(passing_blocks.size());
    for (const std::size_t k : passing_blocks) names.push_back(layout[k].name);
    others = fmt::format("; {} pass{}", fmt::join(names, ", "), names.size() == 1 ? "es" : "");
  }
  const auto all_in = [&](auto same) {
    return std::all_of(failing.begin(), failing.end(), same) &&
           std::any_of(passing_here.begin(), passing_here.end(), [&](const Place& p) { return !same(p); });
  };
  const Place& first = failing.front();
  if (failing.size() == 1 && !passing_here.empty()) {
    return Location{"entry", fmt::format("only {} is wrong{}", entry_name(layout, failing_input), others)};
  }
  if (b.rows > 1 && b.cols > 1 && all_in([&](const Place& p) { return p.row == first.row; })) {
    return Location{"row", fmt::format("only row {} of {} is wrong{}", first.row, b.name, others)};
  }
  if (b.rows > 1 && b.cols > 1 && all_in([&](const Place& p) { return p.col == first.col; })) {
    return Location{"column", fmt::format("only column {} of {} is wrong{}", first.col, b.name, others)};
  }
  if (!others.empty()) return Location{"block", fmt::format("only the entries of {} are wrong{}", b.name, others)};
  return std::nullopt;
}

// The square blocks whose claim is the transpose of the numeric derivative,
// when every failing entry lies in one of them (each block judged in full).
std::optional<std::vector<std::string>> transposed_blocks(const std::vector<Entry>& entries,
                                                          const std::vector<Block>& layout) {
  std::vector<std::string> names;
  Index offset = 0;
  std::set<std::size_t> transposed;
  for (std::size_t k = 0; k < layout.size(); offset += layout[k].rows * layout[k].cols, ++k) {
    const Block& b = layout[k];
    if (b.rows != b.cols || b.rows < 2) continue;
    const Index size = b.rows * b.cols;
    // The block's entries by coordinate; a block not judged in full is skipped.
    std::vector<const Entry*> at(static_cast<std::size_t>(size), nullptr);
    bool failed = false;
    for (const Entry& e : entries) {
      if (e.input < offset || e.input >= offset + size) continue;
      at[static_cast<std::size_t>(e.input - offset)] = &e;
      failed = failed || e.failed;
    }
    if (!failed || std::find(at.begin(), at.end(), nullptr) != at.end()) continue;
    bool fits = true;
    for (Index i = 0; i < b.rows && fits; ++i) {
      for (Index j = 0; j < b.cols && fits; ++j) {
        const Entry& here = *at[static_cast<std::size_t>(i + j * b.rows)];
        const Entry& mirror = *at[static_cast<std::size_t>(j + i * b.rows)];
        const double tolerance = 2.0 * std::max(here.allowance, mirror.allowance) +
                                 1e-12 * std::max(std::abs(here.analytic), std::abs(mirror.numeric));
        fits = std::abs(here.analytic - mirror.numeric) <= tolerance;
      }
    }
    if (fits) {
      transposed.insert(k);
      names.push_back(b.name);
    }
  }
  for (const Entry& e : entries) {
    if (e.failed && (e.input < 0 || transposed.count(place_of(layout, e.input).block) == 0)) return std::nullopt;
  }
  if (names.empty()) return std::nullopt;
  return names;
}

// How a failing entry at a kink reads: the claim is the slope of the side of
// the kink the point does not lie on (diagnosis.hpp, kink side).
struct KinkReading {
  double left = 0.0;        // the slopes beyond x − h and x + h
  double right = 0.0;       // (either side of a kink within h of x)
  bool point_left = false;  // the point lies left of the kink (the numeric value is the left slope)
  bool partial = false;     // the kink lies between h and 2h: its far side's slope is seen in part only
};

// Sides whose slopes differ by less than this share of the larger are not
// told apart (a measured slope in part, a kink barely showing).
constexpr double kink_contrast = 0.1;
// A slope matches another to this share of the slopes (those beyond x ± h
// are taken up to 2h from x: a curved f's differ there from f' at x).
constexpr double kink_match = 1e-2;

std::optional<KinkReading> read_kink(const Entry& e) {
  if (!e.failed || e.kink == nullptr || e.input < 0) return std::nullopt;
  const KinkSlopes& k = *e.kink;
  // Beyond x ± h: one kink within h of x leaves them clean, one side each.
  const double left = 2.0 * k.left2 - k.left;
  const double right = 2.0 * k.right2 - k.right;
  if (!std::isfinite(left) || !std::isfinite(right)) return std::nullopt;
  // Slopes measured over h round like ε|f|/h, far below this.
  const double tol = kink_match * std::max({std::abs(left), std::abs(right), std::abs(k.left), std::abs(k.right)});
  // The point's side is clear of the kink: its slopes within and beyond the
  // step agree. The other side's do not (the kink lies between them).
  const bool left_clear = std::abs(k.left - left) <= tol;
  const bool right_clear = std::abs(k.right - right) <= tol;
  if (left_clear == right_clear) return std::nullopt;
  const bool point_left = left_clear;
  const double near = point_left ? left : right;
  const double far_in = point_left ? k.right : k.left;
  const double far_out = point_left ? right : left;
  // The numeric value is the point's side's slope (judged clear of the kink),
  // and the sides are told apart.
  const double n = e.numeric;
  if (!(std::abs(n - near) <= e.allowance + tol)) return std::nullopt;
  if (!(std::abs(far_out - near) > std::max(tol, kink_contrast * std::max(std::abs(far_out), std::abs(near))))) {
    return std::nullopt;
  }
  const double a = e.analytic;
  KinkReading reading{left, right, point_left, false};
  if (std::abs(a - far_out) <= tol) return reading;
  // The kink between h and 2h (the other side's slope within the step is the
  // point's): the slope beyond the step mixes both sides', and the other
  // side's own lies beyond it, seen from the point's. A claim there reads as it.
  if (std::abs(far_in - near) <= tol && (a - near) * (far_out - near) > 0.0 &&
      std::abs(a - near) >= std::abs(far_out - near) - tol) {
    reading.partial = true;
    return reading;
  }
  return std::nullopt;
}

std::string slope_text(double slope, bool partial, bool above) {
  return partial ? fmt::format("{} {:.4g}", above ? "\u2265" : "\u2264", slope) : fmt::format("{:.4g}", slope);
}

// "kink side: ..." when every failing entry is at a kink and claims the
// slope of its other side; one of them named, with its slopes.
std::optional<Diagnosis> kink_side(const std::vector<Entry>& entries, const CheckResult& r,
                                   const std::vector<Block>& layout, const std::string& claim) {
  const Entry* named = nullptr;
  KinkReading shown;
  for (const Entry& e : entries) {
    if (!e.failed) continue;
    const std::optional<KinkReading> reading = read_kink(e);
    if (!reading) return std::nullopt;
    // Named: an entry whose both slopes are measured, the worst such if it is one.
    const auto rank = [&](const Entry& f, const KinkReading& k) {
      return (k.partial ? 0 : 2) + (f.input == r.worst_input ? 1 : 0);
    };
    if (named == nullptr || rank(e, *reading) > rank(*named, shown)) {
      named = &e;
      shown = *reading;
    }
  }
  if (named == nullptr) return std::nullopt;
  const std::string name = entry_name(layout, named->input);
  const bool far_above = shown.point_left ? shown.right > shown.left : shown.left > shown.right;
  const std::string left = slope_text(shown.left, shown.partial && !shown.point_left, far_above);
  const std::string right = slope_text(shown.right, shown.partial && shown.point_left, far_above);
  Diagnosis d;
  d.kind = "kink";
  d.text = fmt::format(
      "kink side: {} is the slope on the other side of a kink within the step at every failing entry ({} lies {} "
      "of its kink; slope left {}, right {}): check which side of the kink the point lies on",
      claim, name, shown.point_left ? "left" : "right", left, right);
  d.key = "kink";
  return d;
}

}  // namespace

std::optional<Diagnosis> diagnose(const CheckResult& r, const std::vector<Block>& layout, ProblemKind kind) {
  const std::vector<Entry> entries = judged_entries(r, kind);
  if (std::none_of(entries.begin(), entries.end(), [](const Entry& e) { return e.failed; })) return std::nullopt;
  const std::optional<std::size_t> block = failing_block(entries, layout);
  const std::string claim = block ? "the claim for " + layout[*block].name : std::string("the claim");
  const std::string block_key = block ? " " + layout[*block].name : std::string();
  const char* reference = kind == ProblemKind::value ? "the reference value" : "the numeric derivative";
  const std::optional<Location> where = locate(entries, layout);

  const auto ratio = simple_ratio(entries);
  // A claim at kinks that is also −1 × the numeric value everywhere (|x|'s
  // slopes, ±1) is called a sign flip; any other ratio at a kink is the other
  // side's slope (leaky ReLU with α = ½ is no factor 2).
  const bool sign_flip = ratio && ratio->first == -1 && ratio->second == 1;
  if (!sign_flip) {
    if (auto d = kink_side(entries, r, layout, claim)) {
      d->key += block_key;
      if (where) {
        d->text += "; " + where->text;
        d->key += " " + where->kind;
      }
      return d;
    }
  }
  if (ratio) {
    const auto [p, q] = *ratio;
    Diagnosis d;
    const std::string c = ratio_text(p, q);
    const std::string what = p == -1 && q == 1  ? "sign flip"
                             : p == 2 && q == 1 ? "a factor 2 too many"
                             : p == 1 && q == 2 ? "a missing factor 2"
                                                : "a wrong constant factor";
    d.kind = p == -1 && q == 1 ? "sign" : (p == 2 && q == 1) || (p == 1 && q == 2) ? "factor" : "ratio";
    d.text = fmt::format("{}: {} is {} \u00d7 {} at every failing entry", what, claim, c, reference);
    d.key = d.kind + " " + c + block_key;
    if (where) {
      d.text += "; " + where->text;
      d.key += " " + where->kind;
    }
    return d;
  }
  if (kind != ProblemKind::elementwise) {
    if (const auto names = transposed_blocks(entries, layout)) {
      const std::string list = fmt::format("{}", fmt::join(*names, ", "));
      return Diagnosis{"transpose",
                       fmt::format("transpose: the claim for {} is the transpose of {} (a square block, so the "
                                   "shapes agree)",
                                   list, reference),
                       "transpose " + list};
    }
  }
  if (where) return Diagnosis{where->kind, where->text, where->kind + block_key};
  return std::nullopt;
}

Diagnosis shape_diagnosis(const Block& want, Index rows, Index cols) {
  const std::string text = fmt::format("your claim for {0} is {1}\u00d7{2}; {0} is {3}\u00d7{4}", want.name, rows, cols,
                                       want.rows, want.cols);
  if (rows == want.cols && cols == want.rows && rows != cols) {
    return {"transpose", text + " (the transpose)", "transpose " + want.name};
  }
  return {"shape", text, "shape " + want.name};
}

}  // namespace gradcheck::runner
