// runner/setting_errors.hpp: Boost.Program_options' errors about a setting's
// value, completed with what was expected.
#pragma once

#include <boost/program_options/errors.hpp>
#include <string>

namespace gradcheck::runner {

/// `e.what()`, and for a value of the wrong type ("the argument ('many') for
/// option '--trials' is invalid") what the setting expects (": expected a
/// whole number"), named as a flag (--trials) or as a fixture key (trials,
/// [case_id] trials).
std::string setting_error_text(const boost::program_options::error& e);

}  // namespace gradcheck::runner
