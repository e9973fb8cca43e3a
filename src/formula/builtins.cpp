#include "formula/builtins.hpp"

#include <array>

namespace gradcheck::formula {
namespace {

using enum ShapeRule;

constexpr std::array<BuiltinInfo, 21> builtins = {{
    {"exp", Builtin::exp, 1, 1, same},
    {"log", Builtin::log, 1, 1, same},
    {"sigmoid", Builtin::sigmoid, 1, 1, same},
    {"tanh", Builtin::tanh, 1, 1, same},
    {"abs", Builtin::abs, 1, 1, same},
    {"sqrt", Builtin::sqrt, 1, 1, same},
    {"softmax", Builtin::softmax, 1, 1, softmax},
    {"logsumexp", Builtin::logsumexp, 1, 1, scalar},
    {"sum", Builtin::sum, 1, 1, scalar},
    {"max", Builtin::max, 1, 2, extremum},
    {"min", Builtin::min, 1, 2, extremum},
    {"any", Builtin::any, 1, 1, scalar},
    {"all", Builtin::all, 1, 1, scalar},
    {"norm", Builtin::norm, 1, 1, scalar},
    {"dot", Builtin::dot, 2, 2, dot},
    {"outer", Builtin::outer, 2, 2, outer},
    {"onehot", Builtin::onehot, 2, 2, onehot},
    {"zeros", Builtin::zeros, 1, 2, filled},
    {"ones", Builtin::ones, 1, 2, filled},
    {"transpose", Builtin::transpose, 1, 1, transposed},
    {"relu", Builtin::relu, 1, 1, same},
}};

}  // namespace

const BuiltinInfo* find_builtin(std::string_view name) {
  for (const auto& b : builtins) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

std::vector<std::string> builtin_names() {
  std::vector<std::string> names;
  for (const auto& b : builtins) names.emplace_back(b.name);
  return names;
}

}  // namespace gradcheck::formula
