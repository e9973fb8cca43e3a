#include "runner/case.hpp"

#include <fmt/format.h>

#include "gradcheck/error.hpp"

namespace gradcheck::runner {

CheckCase name_controls(CheckCase c) {
  Rng rng(0);
  const Problem p = c.sample(rng, CaseSettings{}, 0);
  c.controls.clear();
  for (const Control& k : p.controls) c.controls.push_back({k.id, k.description});
  return c;
}

}  // namespace gradcheck::runner
