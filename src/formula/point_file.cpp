#include "formula/point_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "formula/shapes.hpp"

namespace gradcheck::formula {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using nlohmann::json;

// The value of one parameter: a number, a list, or a list of rows.
MatrixXd matrix_of(const json& v, const std::string& name, const std::string& file) {
  const auto number = [&](const json& e) {
    if (!e.is_number()) {
      throw FormulaError(file, fmt::format("'{}' holds {}, expected numbers", name, e.dump()));
    }
    const double d = e.get<double>();
    if (!std::isfinite(d)) throw FormulaError(file, fmt::format("'{}' holds {}, expected finite numbers", name, d));
    return d;
  };
  if (v.is_number()) return MatrixXd::Constant(1, 1, number(v));
  if (!v.is_array() || v.empty()) {
    throw FormulaError(file, fmt::format("'{}' is {}, expected a number, a list or a list of rows", name, v.dump()));
  }
  if (!v.front().is_array()) {  // a list: one column
    MatrixXd m(static_cast<Index>(v.size()), 1);
    for (std::size_t i = 0; i < v.size(); ++i) m(static_cast<Index>(i), 0) = number(v[i]);
    return m;
  }
  const std::size_t cols = v.front().size();
  MatrixXd m(static_cast<Index>(v.size()), static_cast<Index>(cols));
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_array() || v[i].size() != cols) {
      throw FormulaError(file, fmt::format("'{}': row {} has {} entries, row 0 has {}; expected rows of one length",
                                           name, i, v[i].is_array() ? v[i].size() : 1, cols));
    }
    for (std::size_t j = 0; j < cols; ++j) m(static_cast<Index>(i), static_cast<Index>(j)) = number(v[i][j]);
  }
  return m;
}

// Sets dimension `dim` (a symbol) to `size`, or checks it against the value it has.
void settle(const Program& program, const Dim& dim, long size, std::vector<std::optional<long>>& dims,
            std::vector<std::string>& from, const std::string& what, const std::string& file) {
  if (dim.symbol < 0) {
    if (size != dim.value) throw FormulaError(file, fmt::format("{} is {}, expected {}", what, size, dim.value));
    return;
  }
  const auto k = static_cast<std::size_t>(dim.symbol);
  const DimDecl& d = program.dims[k];
  if (dims[k] && *dims[k] != size) {
    throw FormulaError(file, fmt::format("{} is {}, but {} = {} ({})", what, size, d.name, *dims[k], from[k]));
  }
  if (size < d.lo || size > d.hi) {
    throw FormulaError(file, fmt::format("{} is {}, but {} is declared in {}..{}", what, size, d.name, d.lo, d.hi));
  }
  dims[k] = size;
  if (from[k].empty()) from[k] = "from " + what;
}

std::string names_of(const Program& program) {
  std::vector<std::string> names;
  for (const DimDecl& d : program.dims) names.push_back(d.name);
  for (const ParamDecl& p : program.params) names.push_back(p.name);
  return fmt::format("{}", fmt::join(names, ", "));
}

// Index parameters: whole numbers in [0, bound), distinct or avoiding another where declared.
void check_indices(const Program& program, const FixedPoint& point, const std::vector<long>& dims) {
  for (std::size_t i = 0; i < program.params.size(); ++i) {
    const ParamDecl& p = program.params[i];
    if (p.kind == ParamKind::real || !point.params[i]) continue;
    const MatrixXd& v = *point.params[i];
    const long bound = resolve(p.bound.dim, dims);
    std::set<double> seen;
    for (Index k = 0; k < v.size(); ++k) {
      const double w = v.data()[k];
      if (w != std::floor(w) || w < 0 || w >= static_cast<double>(bound)) {
        throw FormulaError(point.file, fmt::format("'{}' holds {}, expected whole numbers in 0..{} ({})", p.name, w,
                                                   bound - 1, p.type_text));
      }
      if (p.distinct && !seen.insert(w).second) {
        throw FormulaError(point.file, fmt::format("'{}' holds {} twice, but is declared distinct", p.name, w));
      }
      if (p.excluding_param >= 0 && point.params[static_cast<std::size_t>(p.excluding_param)] &&
          (*point.params[static_cast<std::size_t>(p.excluding_param)])(0, 0) == w) {
        throw FormulaError(point.file, fmt::format("'{}' holds {}, which it must avoid ({} excluding {})", p.name, w,
                                                   p.name, p.excluding));
      }
    }
  }
}

}  // namespace

FixedPoint parse_point(const Program& program, const std::string& text, const std::string& name) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 3: ..." without its tag.
    const std::string what = e.what();
    const auto at = what.find("] ");
    throw FormulaError(name, fmt::format("not a JSON point: {}", at == std::string::npos ? what : what.substr(at + 2)));
  }
  if (!doc.is_object()) {
    throw FormulaError(name, fmt::format("expected a JSON object of names and values, e.g. {{\"x\": [0, 0]}}, got {}",
                                         doc.type_name()));
  }
  FixedPoint point;
  point.file = name;
  point.dims.assign(program.dims.size(), std::nullopt);
  point.params.assign(program.params.size(), std::nullopt);
  std::vector<std::string> from(program.dims.size());
  // Dimensions given by name first, so that shapes are checked against them.
  for (std::size_t k = 0; k < program.dims.size(); ++k) {
    const auto it = doc.find(program.dims[k].name);
    if (it == doc.end()) continue;
    if (!it->is_number_integer()) {
      throw FormulaError(
          name, fmt::format("dimension '{}' is {}, expected a whole number", program.dims[k].name, it->dump()));
    }
    settle(program, Dim{static_cast<int>(k), 0}, it->get<long>(), point.dims, from,
           fmt::format("dimension '{}'", program.dims[k].name), name);
    from[k] = "given";
  }
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const std::string& key = it.key();
    const auto dim =
        std::find_if(program.dims.begin(), program.dims.end(), [&](const DimDecl& d) { return d.name == key; });
    if (dim != program.dims.end()) continue;
    const auto param =
        std::find_if(program.params.begin(), program.params.end(), [&](const ParamDecl& p) { return p.name == key; });
    if (param == program.params.end()) {
      throw FormulaError(name, fmt::format("'{}' is not a dimension or parameter of {}: expected one of {}", key,
                                           program.source->name(), names_of(program)));
    }
    MatrixXd value = matrix_of(*it, key, name);
    // A plain list for a row vector (1 x n) is read as that row.
    if (value.cols() == 1 && param->rows.dim.symbol < 0 && param->rows.dim.value == 1 && value.rows() != 1) {
      value.transposeInPlace();
    }
    settle(program, param->rows.dim, value.rows(), point.dims, from, fmt::format("the number of rows of '{}'", key),
           name);
    settle(program, param->cols.dim, value.cols(), point.dims, from, fmt::format("the number of columns of '{}'", key),
           name);
    point.params[static_cast<std::size_t>(param - program.params.begin())] = std::move(value);
  }
  // The bounds of given indices must be known to check them.
  for (std::size_t i = 0; i < program.params.size(); ++i) {
    const ParamDecl& p = program.params[i];
    if (p.kind != ParamKind::real && point.params[i] && p.bound.dim.symbol >= 0 &&
        !point.dims[static_cast<std::size_t>(p.bound.dim.symbol)]) {
      throw FormulaError(name, fmt::format("'{}' is given but its bound {} is not: add \"{}\": N", p.name,
                                           program.dims[static_cast<std::size_t>(p.bound.dim.symbol)].name,
                                           program.dims[static_cast<std::size_t>(p.bound.dim.symbol)].name));
    }
  }
  std::vector<long> dims;
  for (std::size_t k = 0; k < program.dims.size(); ++k) dims.push_back(point.dims[k].value_or(program.dims[k].lo));
  check_indices(program, point, dims);
  return point;
}

FixedPoint read_point(const Program& program, const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw FormulaError(path, "cannot read point file: it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FormulaError(path, fmt::format("cannot read point file: {}", std::strerror(errno)));
  constexpr std::size_t limit = 16 << 20;  // a point of a few million numbers at most
  std::string text(limit + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > limit) throw FormulaError(path, "cannot read point file: larger than 16 MiB");
  return parse_point(program, text, path);
}

}  // namespace gradcheck::formula
