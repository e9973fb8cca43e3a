// formula/formula.hpp: check your own formula. A formula file (.gcf) declares
// dimensions, parameters, a loss (or an elementwise function), the claimed
// derivatives and their negative controls; load_case turns it into a
// runner::CheckCase that the same engine, runner, reports and CTest use as any
// built-in case. The language is described in docs/formula-language.md.
#pragma once

#include <memory>
#include <string>

#include "formula/source.hpp"
#include "runner/case.hpp"

namespace gradcheck::formula {

struct Program;

/// Reads, parses and shape-checks one formula file. Throws FormulaError (a
/// gradcheck::Error) whose what() is ONE line "FILE:LINE:COL: message";
/// caret_excerpt(e) gives the source line and a caret to print under it.
/// Rejects files over 1 MiB, binary files, syntax errors, undefined names,
/// shapes that disagree for every value of the dimensions, and parameters
/// that could exceed 1e7 entries.
///
/// The case: id = the file's stem; notes/description/formula/convention from the
/// file's header statements (or defaults); controls = the file's controls in
/// order. sample() draws the file's own dimension ranges (settings' sizes are
/// for built-in cases), so only settings.trials and settings.check apply.
runner::CheckCase load_case(const std::string& path);

/// The same from text in memory; `name` stands for the file in messages and
/// its stem is the id.
runner::CheckCase load_case_from_text(const std::string& text, const std::string& name);

/// Parses and checks only (the fuzz target's entry point).
std::shared_ptr<const Program> compile(const std::string& text, const std::string& name);

/// The check case of a compiled program.
runner::CheckCase make_case(const std::shared_ptr<const Program>& program, const std::string& id);

}  // namespace gradcheck::formula
