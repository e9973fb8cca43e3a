// formula/parser.hpp: a recursive-descent parser for formula files.
//
// Hand-written rather than Boost.Spirit X3: every token and node keeps its
// line and column for messages, errors name what was expected and what was
// found, and the recursion is bounded (max_nesting), which also keeps it small
// enough to fuzz. The grammar is in docs/formula-language.md; in brief:
//
//   file       := { statement? NEWLINE }
//   statement  := ('notes'|'description'|'formula'|'convention') STRING
//              |  NAME 'in' INT ['..' INT]                       dimension
//              |  NAME ':' type ['~' ('normal'|'uniform') '(' expr ',' expr ')']
//              |  NAME '=' expr                                   definition
//              |  'assume' expr
//              |  ('loss' | 'elementwise') '=' expr
//              |  claim
//              |  'control' NAME [STRING] ':' claim {';' claim}
//   claim      := 'grad' NAME '=' expr | 'derivative' NAME '=' expr | 'value' '=' expr
//   type       := 'scalar' | 'vector' '[' dim ']' | 'matrix' '[' dim ',' dim ']' | 'index' '[' dim ']'
//              |  'indices' '[' dim [',' dim] ']' 'of' dim {'distinct' | 'excluding' NAME}
//   expr       := additive [('<'|'<='|'>'|'>='|'=='|'!=') additive]
//   additive   := term {('+'|'-') term}
//   term       := unary {('*'|'/'|'.*'|'./'|'%') unary}
//   unary      := ('-'|'+') unary | postfix [('^'|'.^') unary]
//   postfix    := primary {'[' index [',' index] ']' | '''}
//   primary    := NUMBER | NAME | NAME '(' [expr {',' expr}] ')' | '(' expr ')'
//              |  'sum' NAME 'in' additive ['..' additive] ':' expr
//              |  'if' expr 'then' expr 'else' expr
//
// Operators also have the spellings of docs/notation.md (lexer.hpp): U^T, U.T and
// Uᵀ are U', @ · × are *, ⊙ is .*, ** is ^, − is -. A transposed operand followed
// by '(' multiplies it (Uᵀ(ŷ − y)); other operands side by side are refused with
// the product written out.
#pragma once

#include <memory>

#include "formula/ast.hpp"
#include "formula/source.hpp"

namespace gradcheck::formula {

/// Parses `source` (after the text and size checks of tokenize). Throws
/// FormulaError at the first syntax error. Names are not resolved here.
Program parse(std::shared_ptr<const Source> source);

}  // namespace gradcheck::formula
