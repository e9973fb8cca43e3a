// check_gradient of named Parameters: a layer over the flat check. It packs
// the checked parameters into x, moves their storage to each point the check
// evaluates, and names the flat coordinates of the result by block.
#include "gradcheck/parameters.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>

#include "gradcheck/check.hpp"
#include "gradcheck/error.hpp"

namespace gradcheck {
namespace {

std::string names_of(const std::vector<Parameter>& all) {
  std::string names;
  for (const Parameter& p : all) names += (names.empty() ? "" : ", ") + p.name;
  return names;
}

// The storage of the checked parameters, seen as one flat x.
class Packed {
 public:
  explicit Packed(const Parameters& parameters) {
    for (const std::size_t k : parameters.checked()) {
      const Parameter& p = parameters.all()[k];
      const Parameter::Values v = p.values();
      layout_.push_back({.name = p.name, .rows = v.rows(), .cols = v.cols(), .offset = size_});
      size_ += v.size();
      views_.push_back(p);
    }
  }
  Eigen::Index size() const { return size_; }
  const std::vector<BlockSummary>& layout() const { return layout_; }

  Eigen::VectorXd read() const {
    Eigen::VectorXd x(size_);
    for (std::size_t b = 0; b < views_.size(); ++b)
      x.segment(layout_[b].offset, layout_[b].rows * layout_[b].cols) = views_[b].values().reshaped();
    return x;
  }
  // O(n) per call: the check's points differ from x in one coordinate in
  // full and sampled mode (where n is small: 2n evaluations fit the budget),
  // in every coordinate along a direction.
  void write(const Eigen::VectorXd& x) const {
    for (std::size_t b = 0; b < views_.size(); ++b) {
      const Eigen::Index rows = layout_[b].rows;
      auto values = views_[b].values();
      for (Eigen::Index j = 0; j < layout_[b].cols; ++j) values.col(j) = x.segment(layout_[b].offset + j * rows, rows);
    }
  }

 private:
  std::vector<Parameter> views_;
  std::vector<BlockSummary> layout_;
  Eigen::Index size_ = 0;
};

// Puts the parameters back to the values they had when the check began.
struct Restore {
  const Packed& packed;
  Eigen::VectorXd original;
  explicit Restore(const Packed& p) : packed(p), original(p.read()) {}
  Restore(const Restore&) = delete;
  Restore& operator=(const Restore&) = delete;
  ~Restore() { packed.write(original); }
};

CheckResult wrong_shape(const CheckOptions& options, std::string message) {
  CheckResult r;
  r.options = options;
  r.set_verdict(Verdict::fail);
  r.failure = Failure::wrong_shape;
  r.message = std::move(message);
  return r;
}

// The checked blocks of the claimed gradient, packed like x; nullopt-like
// empty result with `why` set when the number or a shape does not fit.
Eigen::VectorXd packed_claim(const Parameters& parameters, const std::vector<Eigen::MatrixXd>& claim, Eigen::Index size,
                             std::string& why) {
  const std::vector<Parameter>& all = parameters.all();
  if (claim.size() != all.size()) {
    why = fmt::format("gradient has {} blocks, expected {} (one per parameter: {})", claim.size(), all.size(),
                      names_of(all));
    return {};
  }
  for (std::size_t k = 0; k < all.size(); ++k) {
    const Parameter::Values v = all[k].values();
    if (claim[k].rows() != v.rows() || claim[k].cols() != v.cols()) {
      why = fmt::format("gradient block {} has shape {}x{}, expected {}x{} (the shape of {})", all[k].name,
                        claim[k].rows(), claim[k].cols(), v.rows(), v.cols(), all[k].name);
      return {};
    }
  }
  Eigen::VectorXd packed(size);
  Eigen::Index offset = 0;
  for (const std::size_t k : parameters.checked()) {
    packed.segment(offset, claim[k].size()) = claim[k].reshaped();
    offset += claim[k].size();
  }
  return packed;
}

// Replaces each coordinate named x[j] in the engine's message by its block
// name (W1[7,3]). The engine names coordinates of a gradient only so.
std::string renamed(const std::string& message, const CheckResult& r) {
  std::string out;
  std::size_t at = 0;
  while (at < message.size()) {
    const std::size_t found = message.find("x[", at);
    if (found == std::string::npos) break;
    std::size_t end = found + 2;
    while (end < message.size() && std::isdigit(static_cast<unsigned char>(message[end])) != 0) ++end;
    const bool word_start =
        found == 0 || (std::isalnum(static_cast<unsigned char>(message[found - 1])) == 0 && message[found - 1] != '_');
    if (!word_start || end == found + 2 || end >= message.size() || message[end] != ']') {
      out += message.substr(at, found + 2 - at);
      at = found + 2;
      continue;
    }
    out += message.substr(at, found - at);
    out += entry_name(r, 0, std::stol(message.substr(found + 2, end - found - 2)));
    at = end + 1;
  }
  return out + message.substr(std::min(at, message.size()));
}

void count_by_block(CheckResult& r) {
  const Eigen::Index columns = r.analytic.cols();
  if (r.verdicts.size() != static_cast<std::size_t>(r.analytic.size())) return;
  for (Eigen::Index c = 0; c < columns; ++c) {
    const Eigen::Index input = r.inputs.empty() ? c : r.inputs[static_cast<std::size_t>(c)];
    for (BlockSummary& b : r.blocks) {
      if (input < b.offset || input >= b.offset + b.rows * b.cols) continue;
      const Verdict v = r.verdicts[static_cast<std::size_t>(c)];  // a gradient: one output
      ++b.judged;
      b.failing += v == Verdict::fail ? 1 : 0;
      b.inconclusive += v == Verdict::inconclusive ? 1 : 0;
    }
  }
}

}  // namespace

Parameters::Parameters(std::initializer_list<Parameter> parameters) : Parameters(std::vector<Parameter>(parameters)) {}

Parameters::Parameters(std::vector<Parameter> parameters) : all_(std::move(parameters)) {
  if (all_.empty()) throw Error("Parameters is empty: expected at least one {\"name\", value}");
  for (std::size_t k = 0; k < all_.size(); ++k) {
    if (all_[k].name.empty()) throw Error(fmt::format("parameter {} has an empty name: expected a name such as W1", k));
    for (std::size_t e = 0; e < k; ++e) {
      if (all_[e].name == all_[k].name) {
        throw Error(fmt::format("parameter name {} is given twice (parameters {} and {}): expected distinct names",
                                all_[k].name, e, k));
      }
    }
    checked_.push_back(k);
  }
}

Parameters Parameters::only(std::initializer_list<std::string_view> names) const {
  if (names.size() == 0) throw Error("only() names no parameter: expected one or more of " + names_of(all_));
  Parameters subset = *this;
  subset.checked_.clear();
  for (std::size_t k = 0; k < all_.size(); ++k) {
    if (std::find(names.begin(), names.end(), all_[k].name) != names.end()) subset.checked_.push_back(k);
  }
  for (const std::string_view name : names) {
    const bool known = std::any_of(all_.begin(), all_.end(), [&](const Parameter& p) { return p.name == name; });
    if (!known) throw Error(fmt::format("only(): no parameter named {}: expected one of {}", name, names_of(all_)));
  }
  return subset;
}

std::vector<Eigen::MatrixXd> Parameters::values() const {
  std::vector<Eigen::MatrixXd> v;
  for (const Parameter& p : all_) v.emplace_back(p.values());
  return v;
}

namespace detail {

CheckResult check_parameters(const std::function<double()>& loss,
                             const std::function<std::vector<Eigen::MatrixXd>()>& grad, const Parameters& parameters,
                             const CheckOptions& options) {
  if (options.threads != 1) {
    throw Error(
        fmt::format("threads must be 1 for a check of Parameters, got {}: the check moves the parameters' "
                    "own storage, which loss reads",
                    options.threads));
  }
  const Packed packed(parameters);
  const Restore restore(packed);
  const Eigen::VectorXd& x = restore.original;
  plan(x.size(), options);  // refuses bad options and an empty x before loss or grad is called

  // The claim is the gradient at x: taken once, before the differences move the storage.
  std::vector<Eigen::MatrixXd> claim;
  try {
    claim = grad();
  } catch (...) {
    CheckResult r = wrong_shape(options, "the claimed gradient threw: " + current_exception_text());
    r.failure = Failure::exception;
    return r;
  }
  std::string why;
  const Eigen::VectorXd claimed = packed_claim(parameters, claim, x.size(), why);
  if (!why.empty()) {
    CheckResult r = wrong_shape(options, std::move(why));
    r.blocks = packed.layout();
    return r;
  }
  CheckResult r = check_gradient(
      [&](const Eigen::VectorXd& p) {
        packed.write(p);
        return loss();
      },
      [&claimed](const Eigen::VectorXd&) -> const Eigen::VectorXd& { return claimed; }, x, options);
  r.blocks = packed.layout();
  count_by_block(r);
  if (r.failure != Failure::exception) r.message = renamed(r.message, r);
  return r;
}

}  // namespace detail
}  // namespace gradcheck
