#include "formula/shapes.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace gradcheck::formula {

std::string shape_text(const Program& program, const Type& type) {
  return fmt::format("{} x {}", dim_text(program, type.rows), dim_text(program, type.cols));
}

std::string dim_text(const Program& program, const Dim& dim) {
  return dim.symbol < 0 ? std::to_string(dim.value) : program.dims[static_cast<std::size_t>(dim.symbol)].name;
}

long resolve(const Dim& dim, const std::vector<long>& dims) {
  return dim.symbol < 0 ? dim.value : dims[static_cast<std::size_t>(dim.symbol)];
}

std::string quoted(const Program& program, int node) {
  const Node& n = program.node(node);
  std::string text = program.source->collapsed(n.begin, n.end);
  if (text.size() > 40) {
    std::size_t cut = 37;  // not inside a UTF-8 sequence (a comment may follow a continuation)
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) --cut;
    text.resize(cut);
    text += "...";
  }
  return "'" + text + "'";
}

std::string bare(const Program& program, int node) {
  const std::string q = quoted(program, node);
  return q.substr(1, q.size() - 2);
}

bool is_scalar(const Type& type) { return type.rows == Dim{-1, 1} && type.cols == Dim{-1, 1}; }

Interval interval(const Program& program, const Dim& dim) {
  if (dim.symbol < 0) return {dim.value, dim.value};
  const DimDecl& decl = program.dims[static_cast<std::size_t>(dim.symbol)];
  return {decl.lo, decl.hi};
}

// Union-find over the dimensions named, each class allowed the intersection of
// its members' ranges (a literal's range is itself).
bool can_agree(const Program& program, std::initializer_list<std::pair<Dim, Dim>> equal) {
  std::vector<Dim> members;
  std::vector<std::size_t> parent;
  const auto id = [&](const Dim& d) {
    const auto it = std::find(members.begin(), members.end(), d);
    if (it != members.end()) return static_cast<std::size_t>(it - members.begin());
    members.push_back(d);
    parent.push_back(parent.size());
    return parent.size() - 1;
  };
  const auto find = [&](std::size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  for (const auto& [a, b] : equal) parent[find(id(a))] = find(id(b));
  std::vector<Interval> allowed(members.size(), Interval{1, max_dimension});
  for (std::size_t i = 0; i < members.size(); ++i) {
    Interval& c = allowed[find(i)];
    const Interval r = interval(program, members[i]);
    c = {std::max(c.lo, r.lo), std::min(c.hi, r.hi)};
  }
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (find(i) == i && allowed[i].lo > allowed[i].hi) return false;
  }
  return true;
}

std::string for_every(const Program& program, std::initializer_list<Dim> dims) {
  std::vector<int> symbols;
  for (const Dim& d : dims) {
    if (d.symbol >= 0 && std::find(symbols.begin(), symbols.end(), d.symbol) == symbols.end())
      symbols.push_back(d.symbol);
  }
  std::sort(symbols.begin(), symbols.end());
  std::string text;
  for (const int s : symbols) {
    const DimDecl& d = program.dims[static_cast<std::size_t>(s)];
    text += fmt::format("{}{} in {}..{}", text.empty() ? "" : ", ", d.name, d.lo, d.hi);
  }
  return text.empty() ? text : fmt::format(", and no {} makes them agree", text);
}

}  // namespace gradcheck::formula
