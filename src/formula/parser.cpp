#include "formula/parser.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "formula/parse_expressions.hpp"
#include "formula/token_cursor.hpp"

namespace gradcheck::formula {
namespace {

// The statements; expressions are parse_expressions.cpp's.
class Parser {
 public:
  explicit Parser(std::shared_ptr<const Source> source) : t_(*source), expressions_(t_, program_) {
    program_.source = std::move(source);
  }

  Program run() {
    while (!t_.at(Tok::end)) {
      if (t_.at(Tok::newline)) {
        t_.advance();
        continue;
      }
      statement();
      if (!t_.at(Tok::newline) && !t_.at(Tok::end))
        t_.fail(fmt::format("expected end of line, found {}", describe(t_.peek())));
    }
    return std::move(program_);
  }

 private:
  // ---- statements ----
  void statement() {
    if (!t_.at(Tok::identifier)) t_.fail(fmt::format("expected a statement, found {}", describe(t_.peek())));
    const Token& first = t_.peek();
    const std::string& word = first.text;
    if (word == "notes" || word == "description" || word == "formula" || word == "convention") return header();
    if (word == "loss" || word == "elementwise") return function();
    if (word == "assume") {
      t_.advance();
      program_.assumes.push_back({first.position, expressions_.expression()});
      return order(Item::What::assume, program_.assumes.size());
    }
    if (word == "grad" || word == "derivative" || word == "value") {
      program_.claims.push_back(claim());
      return order(Item::What::claim, program_.claims.size());
    }
    if (word == "control") return control();
    if (is_reserved(word)) {
      if (t_.at_word("in", 1) || t_.peek(1).kind == Tok::colon || t_.peek(1).kind == Tok::assign) {
        t_.fail(fmt::format("'{}' is a reserved word and cannot be used as a name", word));
      }
      t_.fail(fmt::format("expected a statement, found {}", describe(first)));
    }
    if (t_.at_word("in", 1)) return dimension();
    if (t_.peek(1).kind == Tok::colon) return parameter();
    if (t_.peek(1).kind == Tok::assign) return definition();
    const std::string meant = hint(first, statement_words);
    if (!meant.empty()) t_.fail(fmt::format("unknown statement '{}'{}", word, meant));
    t_.fail_at(t_.peek(1).position, fmt::format("expected 'in', ':' or '=' after '{}', found {}{}", word,
                                                describe(t_.peek(1)), hint(t_.peek(1), {"in"})));
  }

  void order(Item::What what, std::size_t size) { program_.order.push_back({what, static_cast<int>(size) - 1}); }

  void header() {
    const Token& word = t_.advance();
    std::string* field = word.text == "notes"         ? &program_.notes
                         : word.text == "description" ? &program_.description
                         : word.text == "formula"     ? &program_.formula
                                                      : &program_.convention;
    if (std::find(headers_.begin(), headers_.end(), word.text) != headers_.end()) {
      t_.fail_at(word.position, fmt::format("'{}' is given twice", word.text));
    }
    headers_.push_back(word.text);
    *field = t_.expect(Tok::string, fmt::format("after '{}'", word.text)).text;
  }

  void function() {
    const Token& word = t_.advance();
    if (program_.function >= 0) {
      t_.fail_at(word.position, "the file already defines its function ('loss' or 'elementwise'): give one only");
    }
    t_.expect(Tok::assign, fmt::format("after '{}'", word.text));
    program_.function_kind = word.text == "loss" ? FunctionKind::loss : FunctionKind::elementwise;
    program_.function_position = word.position;
    program_.function = expressions_.expression();
    order(Item::What::function, 1);
  }

  ClaimDecl claim() {
    const Token& word = t_.advance();
    ClaimDecl c;
    const std::size_t begin = word.offset;
    if (word.text == "value") {
      c.kind = ClaimKind::value;
      c.position = word.position;
    } else {
      c.kind = word.text == "grad" ? ClaimKind::grad : ClaimKind::derivative;
      if (!t_.at(Tok::identifier)) {
        t_.fail(fmt::format("expected the parameter after '{}', found {}", word.text, describe(t_.peek())));
      }
      c.position = t_.peek().position;
      c.target = t_.advance().text;
    }
    t_.expect(Tok::assign, c.target.empty() ? "after 'value'" : fmt::format("after '{} {}'", word.text, c.target));
    c.expr = expressions_.expression();
    c.text = t_.source().collapsed(begin, t_.last_end());
    return c;
  }

  void control() {
    t_.advance();  // control
    ControlDecl c;
    c.position = t_.peek().position;
    if (!t_.at(Tok::identifier))
      t_.fail(fmt::format("expected the control's name after 'control', found {}", describe(t_.peek())));
    c.id = t_.advance().text;
    if (t_.at(Tok::string)) c.description = t_.advance().text;
    t_.expect(Tok::colon, fmt::format("after 'control {}'", c.id));
    while (true) {
      if (!t_.at_word("grad") && !t_.at_word("derivative") && !t_.at_word("value")) {
        t_.fail(fmt::format("expected a claim ('grad', 'derivative' or 'value') in control '{}', found {}{}", c.id,
                            describe(t_.peek()), hint(t_.peek(), {"grad", "derivative", "value"})));
      }
      c.claims.push_back(claim());
      if (!t_.at(Tok::semicolon)) break;
      t_.advance();
    }
    if (c.description.empty()) {
      for (const auto& k : c.claims) c.description += (c.description.empty() ? "" : "; ") + k.text;
    }
    program_.controls.push_back(std::move(c));
    order(Item::What::control, program_.controls.size());
  }

  long whole_number(std::string_view what) {
    if (!t_.at(Tok::number) || !t_.peek().integer)
      t_.fail(fmt::format("expected a whole number for {}, found {}", what, describe(t_.peek())));
    const Token& t = t_.advance();
    // Compared as a double first: the spelling may be longer than a long holds.
    if (t.number > static_cast<double>(max_dimension)) {
      t_.fail_at(t.position, fmt::format("{} {} is too large: at most {}", what, t.text, max_dimension));
    }
    return static_cast<long>(t.number);
  }

  void dimension() {
    DimDecl d;
    d.position = t_.peek().position;
    d.name = t_.new_name("a dimension name");
    t_.advance();  // in
    d.lo = whole_number("the dimension's range");
    d.hi = d.lo;
    if (t_.at(Tok::dotdot)) {
      t_.advance();
      d.hi = whole_number("the dimension's range");
    }
    if (d.lo < 1)
      t_.fail_at(d.position, fmt::format("dimension {}: range {}..{} must start at 1 or more", d.name, d.lo, d.hi));
    if (d.lo > d.hi) {
      t_.fail_at(d.position,
                 fmt::format("dimension {}: range {}..{} is empty (expected LO <= HI)", d.name, d.lo, d.hi));
    }
    program_.dims.push_back(std::move(d));
    order(Item::What::dim, program_.dims.size());
  }

  DimRef dim_ref() {
    DimRef r;
    r.position = t_.peek().position;
    if (t_.at(Tok::identifier)) {
      r.name = t_.advance().text;
      return r;
    }
    r.value = whole_number("a size");
    if (r.value < 1) t_.fail_at(r.position, "a size must be 1 or more");
    return r;
  }

  void parameter() {
    ParamDecl p;
    p.position = t_.peek().position;
    p.name = t_.new_name("a parameter name");
    t_.advance();  // :
    const std::size_t type_begin = t_.peek().offset;
    param_type(p);
    p.type_text = t_.source().collapsed(type_begin, t_.last_end());
    if (t_.at(Tok::tilde)) p.distribution = distribution();
    program_.params.push_back(std::move(p));
    order(Item::What::param, program_.params.size());
  }

  // A parameter's type (parser.hpp's `type`): its kind and sizes.
  void param_type(ParamDecl& p) {
    if (!t_.at(Tok::identifier)) t_.fail(fmt::format("expected a type after ':', found {}", describe(t_.peek())));
    const Token& kind = t_.advance();
    const std::string& k = kind.text;
    if (k == "scalar") {
      p.rows.value = p.cols.value = 1;
    } else if (k == "vector" || k == "index") {
      const Token& open = t_.expect(Tok::lbracket, fmt::format("after '{}'", k));
      (k == "vector" ? p.rows : p.bound) = dim_ref();
      t_.expect_closing(Tok::rbracket, open);
      p.kind = k == "vector" ? ParamKind::real : ParamKind::index;
    } else if (k == "matrix") {
      const Token& open = t_.expect(Tok::lbracket, "after 'matrix'");
      p.rows = dim_ref();
      t_.expect(Tok::comma, "between a matrix's rows and columns");
      p.cols = dim_ref();
      t_.expect_closing(Tok::rbracket, open);
    } else if (k == "indices") {
      p.kind = ParamKind::index_list;
      const Token& open = t_.expect(Tok::lbracket, "after 'indices'");
      p.rows = dim_ref();
      if (t_.at(Tok::comma)) {
        t_.advance();
        p.cols = dim_ref();
      }
      t_.expect_closing(Tok::rbracket, open);
      t_.expect_word("of", "after 'indices[...]' (as in 'indices[K] of V')");
      p.bound = dim_ref();
      while (t_.at_word("distinct") || t_.at_word("excluding")) {
        if (t_.advance().text == "distinct") {
          p.distinct = true;
        } else {
          p.excluding_position = t_.peek().position;
          if (!t_.at(Tok::identifier))
            t_.fail(fmt::format("expected an index parameter after 'excluding', found {}", describe(t_.peek())));
          p.excluding = t_.advance().text;
        }
      }
    } else {
      t_.fail_at(kind.position, fmt::format("unknown type '{}': expected scalar, vector[n], matrix[m, n], index[n] or "
                                            "indices[k] of n{}",
                                            k, hint(kind, {"scalar", "vector", "matrix", "index", "indices"})));
    }
  }

  // '~' ('normal' | 'uniform') '(' expr ',' expr ')'
  Distribution distribution() {
    t_.advance();  // ~
    Distribution d;
    d.position = t_.peek().position;
    // N(μ, σ) and U(a, b) as statistics writes them: after '~' they name nothing else.
    if (t_.at_word("normal") || t_.at_word("N")) {
      d.family = Distribution::Family::normal;
    } else if (t_.at_word("uniform") || t_.at_word("U")) {
      d.family = Distribution::Family::uniform;
    } else {
      t_.fail(fmt::format("expected 'normal' or 'uniform' after '~', found {}{}", describe(t_.peek()),
                          hint(t_.peek(), {"normal", "uniform"})));
    }
    t_.advance();
    const Token& open = t_.expect(Tok::lparen, "after the distribution's name");
    d.a = expressions_.expression();
    t_.expect(Tok::comma, "between the distribution's two arguments");
    d.b = expressions_.expression();
    t_.expect_closing(Tok::rparen, open);
    return d;
  }

  void definition() {
    LetDecl l;
    l.position = t_.peek().position;
    l.name = t_.new_name("a name");
    t_.advance();  // =
    l.expr = expressions_.expression();
    program_.lets.push_back(std::move(l));
    order(Item::What::let, program_.lets.size());
  }

  TokenCursor t_;
  Program program_;
  ExpressionParser expressions_;
  std::vector<std::string> headers_;  // header statements seen
};

}  // namespace

Program parse(std::shared_ptr<const Source> source) { return Parser(std::move(source)).run(); }

}  // namespace gradcheck::formula
