// formula/help.hpp: the syntax summary `gradcheck formula --help` prints.
#pragma once

#include <string>

namespace gradcheck::formula {

/// The formula language on one screen: statements, operators (with the other
/// spellings accepted, docs/notation.md), functions, distributions and an
/// example, ending with where the full reference is (docs/formula-language.md).
const std::string& syntax_summary();

}  // namespace gradcheck::formula
