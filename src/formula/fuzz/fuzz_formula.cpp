// libFuzzer target: bytes -> parser -> shape checker, and for files whose sizes
// are small, one drawn point evaluated (the function and every claim), under
// ASan and UBSan. A gradcheck::Error is the expected outcome of bad input; its
// message must be one line. Anything else (a crash, a sanitizer report, another
// exception, a hang) is a finding. See README.md beside this file.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "formula/ast.hpp"
#include "formula/evaluate.hpp"
#include "formula/formula.hpp"
#include "formula/sample.hpp"

namespace {

using namespace gradcheck::formula;

// Small enough to evaluate quickly: every dimension at most 64.
bool small(const Program& program) {
  for (const auto& d : program.dims) {
    if (d.hi > 64) return false;
  }
  for (const auto& p : program.params) {
    if (p.rows.value > 64 || p.cols.value > 64 || p.bound.value > 64) return false;
  }
  // zeros(1000000) is valid but slow to evaluate in a loop: not what is fuzzed.
  for (const auto& n : program.nodes) {
    if (n.op == Op::call && (n.type.rows.value > 64 || n.type.cols.value > 64)) return false;
  }
  return true;
}

void evaluate_once(const Program& program) {
  constexpr long steps = 5000;
  gradcheck::Rng rng(1);
  const Point point = draw_point(program, rng, 0, steps, 4);
  try {
    Evaluator(program, point, steps).evaluate(program.function);
  } catch (const gradcheck::Error&) {
  }
  for (const auto& c : program.claims) {
    try {
      Evaluator(program, point, steps).evaluate(c.expr);
    } catch (const gradcheck::Error&) {
    }
  }
}

void check_one_line(const gradcheck::Error& e) {
  if (std::string(e.what()).find('\n') != std::string::npos) std::abort();
  (void)caret_excerpt(e);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto program = compile(text, "fuzz.gcf");
    if (small(*program)) evaluate_once(*program);
  } catch (const gradcheck::Error& e) {
    check_one_line(e);
  }
  return 0;
}
