#include "runner/run_case.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <type_traits>

#include "gradcheck/check.hpp"
#include "gradcheck/detail/exact.hpp"
#include "gradcheck/error.hpp"
#include "gradcheck/redraw.hpp"

namespace gradcheck::runner {
namespace {

CheckResult failed(Failure why, std::string message, const CheckOptions& options) {
  CheckResult r;
  r.set_verdict(Verdict::fail);
  r.failure = why;
  r.message = std::move(message);
  r.options = options;
  return r;
}

using detail::current_exception_text;

// The claim's blocks, shape-checked against the layout and packed like x.
// Returns an empty optional and sets `why` when the shapes do not fit.
std::optional<Eigen::VectorXd> packed_claim(const std::vector<Block>& layout,
                                            const std::vector<Eigen::MatrixXd>& blocks, Diagnosis& why) {
  if (blocks.size() != layout.size()) {
    why = {"shape", fmt::format("the claim has {} blocks, expected {}", blocks.size(), layout.size()), "blocks"};
    return std::nullopt;
  }
  Eigen::VectorXd packed(layout_size(layout));
  Eigen::Index offset = 0;
  for (std::size_t b = 0; b < layout.size(); ++b) {
    const Block& want = layout[b];
    if (blocks[b].rows() != want.rows || blocks[b].cols() != want.cols) {
      why = shape_diagnosis(want, blocks[b].rows(), blocks[b].cols());
      return std::nullopt;
    }
    packed.segment(offset, blocks[b].size()) = blocks[b].reshaped();
    offset += blocks[b].size();
  }
  return packed;
}

// The same on the library's float path: f takes the float point (widened,
// for p.f), its value and the claim are floats.
CheckResult check_claim_in_float(const Problem& p, const Eigen::VectorXd& packed, const CheckOptions& options) {
  const Eigen::VectorXf claim = packed.cast<float>();
  const Eigen::VectorXf x = p.x.cast<float>();
  if (p.kind == ProblemKind::gradient) {
    return check_gradient(
        [&p](const Eigen::VectorXf& at) {
          const Eigen::VectorXd loss = p.f(at.cast<double>());
          if (loss.size() != 1) throw Error(fmt::format("f returned {} values, expected 1 (the loss)", loss.size()));
          return static_cast<float>(loss(0));
        },
        [&claim](const Eigen::VectorXf&) -> const Eigen::VectorXf& { return claim; }, x, options);
  }
  return check_jacobian(
      [&p](const Eigen::VectorXf& at) -> Eigen::VectorXf { return p.f(at.cast<double>()).cast<float>(); },
      [&claim](const Eigen::VectorXf&) -> Eigen::MatrixXf { return claim.asDiagonal(); }, x, options);
}

// Checks the packed claim on p by the kind of problem. An empty x (a
// sampler that drew no coordinates) is refused by the library with
// gradcheck::Error: that trial fails, naming it, like a throwing f.
CheckResult check_claim(const Problem& p, const Eigen::VectorXd& packed, const CheckOptions& options) {
  const auto fixed = [&packed](const Eigen::VectorXd&) { return packed; };
  try {
    if (p.single_precision && p.kind != ProblemKind::value) return check_claim_in_float(p, packed, options);
    switch (p.kind) {
      case ProblemKind::gradient:
        return check_gradient(
            [&p](const Eigen::VectorXd& x) {
              const Eigen::VectorXd loss = p.f(x);
              // Thrown here, so the check reports it as f throwing: FAIL, not a read past the end.
              if (loss.size() != 1)
                throw Error(fmt::format("f returned {} values, expected 1 (the loss)", loss.size()));
              return loss(0);
            },
            fixed, p.x, options);
      case ProblemKind::elementwise:
        return check_jacobian(
            p.f, [&packed](const Eigen::VectorXd&) -> Eigen::MatrixXd { return packed.asDiagonal(); }, p.x, options);
      case ProblemKind::value:
        try {
          return compare_values(p.f(p.x), packed, options);
        } catch (...) {
          return failed(Failure::exception, "the reference threw: " + current_exception_text(), options);
        }
    }
  } catch (const Error& e) {
    return failed(Failure::exception, fmt::format("the check refused the point: {}", e.what()), options);
  }
  return failed(Failure::exception, "unknown kind of problem", options);
}

}  // namespace

std::string entry_name(const std::vector<Block>& layout, Eigen::Index k) {
  for (const Block& b : layout) {
    const Eigen::Index size = b.rows * b.cols;
    if (k < size) {
      if (b.rows == 1 && b.cols == 1) return b.name;
      if (b.cols == 1) return fmt::format("{}[{}]", b.name, k);
      return fmt::format("{}[{},{}]", b.name, k % b.rows, k / b.rows);
    }
    k -= size;
  }
  return fmt::format("#{}", k);
}

std::vector<Eigen::Index> resolve_entries(const std::vector<Block>& layout, const EntryNames& names) {
  std::vector<Eigen::Index> flat;
  for (const EntryNames::Entry& e : names.entries) {
    Eigen::Index offset = 0;
    const Block* block = nullptr;
    std::vector<std::string> blocks;
    for (const Block& b : layout) {
      if (b.name == e.block && block == nullptr) block = &b;
      if (block == nullptr) offset += b.rows * b.cols;
      blocks.push_back(b.name);
    }
    if (block == nullptr && blocks.empty()) throw Error(fmt::format("{} names no block: x has none", to_string(e)));
    if (block == nullptr) {
      throw Error(fmt::format("{} names no block of x: expected one of {}", to_string(e), fmt::join(blocks, ", ")));
    }
    // [row,col] names an entry of any block; [index] one of a column (as
    // entry_name prints it), the name alone a 1 x 1 block's only entry.
    const Block& b = *block;
    const bool fits = (e.index.size() == 2) || (e.index.size() == 1 && b.cols == 1) ||
                      (e.index.empty() && b.rows == 1 && b.cols == 1);
    const Eigen::Index row = e.index.empty() ? 0 : e.index[0];
    const Eigen::Index col = e.index.size() == 2 ? e.index[1] : 0;
    if (!fits || row < 0 || col < 0 || row >= b.rows || col >= b.cols) {
      const std::string form = b.cols == 1 ? fmt::format("{0}[index] or {0}[index,0]", b.name) : b.name + "[row,col]";
      throw Error(fmt::format("{} is not an entry of {}, which is {} x {}: expected {} with row < {} and col < {}",
                              to_string(e), b.name, b.rows, b.cols, form, b.rows, b.cols));
    }
    flat.push_back(offset + row + col * b.rows);  // column-major, as entry_name
  }
  return flat;
}

std::vector<Block> layout_at(const CheckCase& c, const CaseSettings& settings, Bound bound) {
  if (c.bound_layout) return c.bound_layout(settings, bound);
  CaseSettings at = settings;
  word2vec::for_each_size(at.sizes, [bound](const Setting& /*size*/, auto& field) {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(field)>, Range>) {
      if (bound == Bound::smallest) field.hi = field.lo;
      if (bound == Bound::largest) field.lo = field.hi;
    }
  });
  Rng rng = trial_rng(0, c.id, 0);
  Problem p = c.sample(rng, at, 0);
  if (p.kind == ProblemKind::value) return {};  // a value case has no x
  return std::move(p.layout);
}

std::string plan_text(const CheckCase& c, const CaseSettings& settings) {
  if (settings.check.mode != Mode::automatic) return {};
  const Eigen::Index lo = layout_size(layout_at(c, settings, Bound::smallest));
  const Eigen::Index hi = layout_size(layout_at(c, settings, Bound::largest));
  const std::string head = fmt::format("plan: {}, mode auto, budget {}", c.id, settings.check.budget);
  if (hi == 0) return head + ": no parameters (the case compares values)";
  const auto what = [&](Eigen::Index n) {
    const Plan p = plan(n, settings.check);
    return p.mode == Mode::full ? fmt::format("full, {} evaluations", p.evaluations)
                                : fmt::format("directional with {} direction{}, {} evaluations", p.samples,
                                              p.samples == 1 ? "" : "s", p.evaluations);
  };
  constexpr std::string_view more =
      " (at least, per check of the formula or a control: refinement, the noise probe's widening and narrowing "
      "down a failing direction add more)";
  std::string text = fmt::format("{}: n = {}: {}", head, lo, what(lo));
  if (hi == lo) return text + std::string(more);
  if (plan(lo, settings.check).mode == Mode::full && plan(hi, settings.check).mode != Mode::full) {
    Eigen::Index full = lo;  // the largest n checked in full: plan's rule, found by bisection
    for (Eigen::Index above = hi; above - full > 1;) {
      const Eigen::Index mid = full + (above - full) / 2;
      (plan(mid, settings.check).mode == Mode::full ? full : above) = mid;
    }
    if (full > lo) text += fmt::format(" ... n = {}: {}", full, what(full));
    text += fmt::format("; n = {}: {}", full + 1, what(full + 1));
    if (full + 1 == hi) return text + std::string(more);
  }
  return text + fmt::format(" ... n = {}: {}{}", hi, what(hi), more);
}

void check_entries(const CheckCase& c, const CaseSettings& settings, const std::string& origin) {
  if (settings.entries.entries.empty()) return;
  const std::vector<Block> layout = layout_at(c, settings, Bound::smallest);
  try {
    resolve_entries(layout, settings.entries);
  } catch (const Error& e) {
    throw Error(fmt::format("{}{} is invalid for case {} at its smallest sizes: {}", origin,
                            to_string(settings.entries), c.id, e.what()));
  }
}

Eigen::Index layout_size(const std::vector<Block>& layout) {
  Eigen::Index size = 0;
  for (const Block& b : layout) size += b.rows * b.cols;
  return size;
}

Judgement judge_claim(const Problem& p, const Claim& claim, const CheckOptions& check_options,
                      const EntryNames& entries) {
  // Sampled checks draw coordinates per block of the layout, plus the named entries.
  CheckOptions options = check_options;
  if (options.blocks.empty()) {
    for (const Block& b : p.layout) options.blocks.push_back(b.rows * b.cols);
  }
  try {
    for (const Eigen::Index k : resolve_entries(p.layout, entries)) options.entries.push_back(k);
  } catch (const Error& e) {
    return {failed(Failure::exception, fmt::format("entries: {}", e.what()), options), {}};
  }
  std::vector<Eigen::MatrixXd> blocks;
  try {
    blocks = claim(p.x);
  } catch (...) {
    return {failed(Failure::exception, "the claim threw: " + current_exception_text(), options), {}};
  }
  Diagnosis why;
  const auto packed = packed_claim(p.layout, blocks, why);
  if (!packed) return {failed(Failure::wrong_shape, why.text, options), {}, false, why};

  CheckResult r = check_claim(p, *packed, options);
  // The second opinion: the exact derivative of f (forward-mode AD), laid out
  // like r.analytic (the sampled columns; none for a directional check). It
  // is reported beside the finite difference and never changes the verdict;
  // a throw or a wrong size is noted in the message.
  if (p.exact && p.kind != ProblemKind::value) {
    detail::attach_exact_columns(r, [&p]() -> Eigen::MatrixXd {
      const Eigen::VectorXd exact = p.exact(p.x);
      if (exact.size() != p.x.size()) {
        throw Error(fmt::format("it has {} entries, expected {} (one per coordinate of x)", exact.size(), p.x.size()));
      }
      return p.kind == ProblemKind::elementwise ? Eigen::MatrixXd(exact.asDiagonal())
                                                : Eigen::MatrixXd(exact.transpose());
    });
  }
  // A gradient's or a value's worst entry is named by the layout; an
  // elementwise Jacobian's by its input coordinate (the diagonal).
  std::string worst = r.worst_input >= 0       ? entry_name(p.layout, r.worst_input)
                      : r.worst_direction >= 0 ? fmt::format("direction {}", r.worst_direction)
                                               : std::string();
  // The entry by the layout's name only: the library's own "gradient entry
  // x[18]" would read as the user's x where a parameter is called x.
  if (r.verdict == Verdict::fail && r.failure == Failure::wrong_value) {
    r.message = r.worst_input >= 0
                    ? fmt::format("{}: claim {:.10g} vs numeric {:.10g}, error {:.3e} > allowance {:.3e}", worst,
                                  r.worst_analytic, r.worst_numeric, r.worst_error, r.worst_allowance)
                    : worst + ": " + r.message;
  }
  std::optional<Diagnosis> diagnosis;
  if (r.verdict == Verdict::fail) diagnosis = diagnose(r, p.layout, p.kind);
  return {std::move(r), std::move(worst), false, std::move(diagnosis)};
}

namespace {

// Every point of a case carries the controls the case lists, in its order:
// the reports count each control's rejections across trials by position.
void check_control_ids(const CheckCase& c, const Problem& p) {
  const auto ids = [](const auto& controls) {
    std::string out;
    for (const auto& k : controls) out += (out.empty() ? "" : ", ") + k.id;
    return out;
  };
  if (ids(p.controls) != ids(c.controls)) {
    throw Error(fmt::format("the point has the controls [{}], the case lists [{}]", ids(p.controls), ids(c.controls)));
  }
}

}  // namespace

TrialReport run_trial(const CheckCase& c, const CaseSettings& settings, std::uint64_t seed, int t,
                      std::optional<Problem>* judged) {
  TrialReport trial{.trial = t, .points = 0, .point = {}, .formula = {}, .controls = {}};
  Rng rng = trial_rng(seed, c.id, static_cast<std::uint64_t>(t));
  // The sampled coordinates and directions: fixed by the trial, the same for
  // the formula and its controls.
  CheckOptions options = settings.check;
  options.seed = trial_rng(seed, c.id + "/check", static_cast<std::uint64_t>(t))();
  // An INCONCLUSIVE point (formula or control) is redrawn from the same
  // generator, a bounded number of times (the library's policy, redraw.hpp);
  // the last point drawn is reported.
  trial.points = redraw_while_inconclusive(settings.resample, [&](int) {
    trial.controls.clear();
    if (judged != nullptr) judged->reset();
    try {
      Problem p = c.sample(rng, settings, t);
      trial.point = p.point;
      trial.layout = p.layout;
      trial.kind = p.kind;
      check_control_ids(c, p);
      trial.formula = judge_claim(p, p.claim, options, settings.entries);
      for (const Control& control : p.controls) {
        trial.controls.push_back(judge_claim(p, control.claim, options, settings.entries));
      }
      if (judged != nullptr) *judged = std::move(p);
    } catch (...) {
      trial.formula = {
          failed(Failure::exception, "drawing the point threw: " + current_exception_text(), settings.check), {}};
    }
    const CheckResult& f = trial.formula.result;
    for (Judgement& control : trial.controls) {
      const Eigen::MatrixXd& a = control.result.analytic;
      control.indistinguishable = f.verdict == Verdict::pass && a.rows() == f.analytic.rows() &&
                                  a.cols() == f.analytic.cols() &&
                                  ((a - f.analytic).array().abs() <= f.allowance.array()).all();
    }
    const auto inconclusive = [](const Judgement& j) { return j.result.verdict == Verdict::inconclusive; };
    const bool any =
        inconclusive(trial.formula) || std::any_of(trial.controls.begin(), trial.controls.end(), inconclusive);
    return any ? Verdict::inconclusive : Verdict::pass;
  });
  // A control the sampler did not build counts as accepted: the case fails.
  trial.controls.resize(c.controls.size(), {[&] {
                                              CheckResult r =
                                                  failed(Failure::none, "control not evaluated", settings.check);
                                              r.set_verdict(Verdict::pass);
                                              return r;
                                            }(),
                                            {}});
  return trial;
}

CaseReport run_case(const CheckCase& c, const CaseSettings& settings, std::uint64_t seed, std::optional<int> only_trial,
                    const std::function<void(int)>& progress) {
  CaseReport report{.check_case = &c,
                    .settings = settings,
                    .seed = seed,
                    .trials = {},
                    .reproduce_flags = {},
                    .reproduce_target = {}};
  check_entries(c, settings);
  const int first = only_trial.value_or(0);
  const int last = only_trial ? *only_trial + 1 : settings.trials;
  for (int t = first; t < last; ++t) {
    report.trials.push_back(run_trial(c, settings, seed, t));
    if (progress) progress(t - first + 1);
  }
  return report;
}

int CaseReport::formula_passes() const {
  return static_cast<int>(std::count_if(
      trials.begin(), trials.end(), [](const TrialReport& t) { return t.formula.result.verdict == Verdict::pass; }));
}

int CaseReport::formula_failures() const {
  return static_cast<int>(std::count_if(
      trials.begin(), trials.end(), [](const TrialReport& t) { return t.formula.result.verdict == Verdict::fail; }));
}

int CaseReport::inconclusive_trials() const {
  return static_cast<int>(trials.size()) - formula_passes() - formula_failures();
}

int CaseReport::inconclusive_points() const {
  int n = 0;
  for (const auto& t : trials) {
    n += t.points - 1 + (t.formula.result.verdict == Verdict::inconclusive ? 1 : 0);
  }
  return n;
}

int CaseReport::control_rejections(std::size_t c) const {
  int n = 0;
  for (const auto& t : trials) {
    if (t.formula.result.verdict == Verdict::inconclusive) continue;
    n += t.controls[c].result.verdict == Verdict::fail ? 1 : 0;
  }
  return n;
}

int CaseReport::control_indistinguishable(std::size_t c) const {
  int n = 0;
  for (const auto& t : trials) {
    if (t.formula.result.verdict == Verdict::inconclusive) continue;
    n += t.controls[c].indistinguishable && t.controls[c].result.verdict != Verdict::fail ? 1 : 0;
  }
  return n;
}

bool CaseReport::control_caught(std::size_t c) const {
  // A control never rejected is no control, even if it equalled the formula everywhere.
  const int rejected = control_rejections(c);
  return rejected > 0 && rejected + control_indistinguishable(c) == formula_passes() + formula_failures();
}

int CaseReport::controls_caught() const {
  int n = 0;
  for (std::size_t c = 0; c < check_case->controls.size(); ++c) n += control_caught(c) ? 1 : 0;
  return n;
}

Verdict CaseReport::verdict() const {
  if (formula_failures() > 0) return Verdict::fail;
  const int conclusive = formula_passes();
  if (conclusive == 0) return Verdict::inconclusive;
  return controls_caught() == static_cast<int>(check_case->controls.size()) ? Verdict::pass : Verdict::fail;
}

int worst_trial(const CaseReport& report) {
  int worst = -1;
  for (std::size_t k = 0; k < report.trials.size(); ++k) {
    const CheckResult& r = report.trials[k].formula.result;
    if (worst < 0) {
      worst = static_cast<int>(k);
      continue;
    }
    const CheckResult& w = report.trials[static_cast<std::size_t>(worst)].formula.result;
    const bool failed = r.verdict == Verdict::fail;
    const bool worst_failed = w.verdict == Verdict::fail;
    if (failed != worst_failed ? failed : r.worst_ratio > w.worst_ratio) worst = static_cast<int>(k);
  }
  return worst;
}

std::string CaseReport::reproduce(int trial) const {
  const std::string target = reproduce_target.empty() ? "run " + check_case->id : reproduce_target;
  return fmt::format("gradcheck {} --seed {} --trial {}{}", target, seed, trial, reproduce_flags);
}

}  // namespace gradcheck::runner
