// checks/cases.hpp: every derivation of the notes as a check case.
#pragma once

#include <string>
#include <vector>

#include "runner/case.hpp"

namespace gradcheck::checks {

/// All cases, in the order of docs/derivations.md. The one registry behind
/// `gradcheck list/run`, the Boost.Test suite and the CTest tests.
const std::vector<runner::CheckCase>& all_cases();
/// The case of all_cases() with this id; throws gradcheck::Error if none has it.
const runner::CheckCase& find_case(const std::string& id);

// One function per family of derivations (one file each).
std::vector<runner::CheckCase> naive_softmax_cases();  // (a)-(d): xent_*, naive_softmax_*
std::vector<runner::CheckCase> activation_cases();     // (e)-(g): leaky_relu_derivative, sigmoid_derivative
std::vector<runner::CheckCase> neg_sampling_cases();   // (g), (h): neg_sampling_*
std::vector<runner::CheckCase> skipgram_cases();       // (i): skipgram_*

}  // namespace gradcheck::checks
