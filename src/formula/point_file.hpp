// formula/point_file.hpp: a point to check at, from a file (gradcheck formula --point).
//
// A JSON object naming the file's dimensions and parameters, e.g. for
// `n in 2..10`, `x: vector[n]`, `W: matrix[m, n]`, `o: index[n]`:
//
//   {"x": [0, 0, 0], "W": [[1, 2, 3], [4, 5, 6]], "o": 2}
//
// A scalar is a number, a vector a list, a matrix a list of rows (a 1-column
// matrix may also be a plain list). A dimension may be given ("n": 3) or
// follows from the shapes of the parameters given; one neither given nor
// fixed by them is drawn. Parameters not given are drawn as usual, each
// trial; when every parameter is given, every trial is the same point.
// Indices must be whole numbers in range and respect `distinct` and
// `excluding`; the assumptions are checked when the point is drawn.
#pragma once

#include <string>

#include "formula/ast.hpp"
#include "formula/sample.hpp"

namespace gradcheck::formula {

/// Reads and validates point file `path` for `program`. Throws FormulaError
/// ("FILE: message", one line) naming the bad name, shape or value and what
/// was expected.
FixedPoint read_point(const Program& program, const std::string& path);

/// The same from JSON text; `name` stands for the file in messages.
FixedPoint parse_point(const Program& program, const std::string& text, const std::string& name);

}  // namespace gradcheck::formula
