// report/xml.hpp: XML documents (the XHTML report with its SVG plots, JUnit)
// built as Boost.PropertyTree trees and written by its XML writer.
//
// Why Boost.PropertyTree: it is header-only and part of the Boost gradcheck
// already requires, and its writer escapes every text and attribute value
// (& < > " '), so no escaper is written here. libxml2's xmlTextWriter would do
// as well but adds a library to link and to install. What the writer does not
// do is handled below: it passes bytes through, so text is made valid XML
// (UTF-8, no control characters) first; and it writes an element with nothing
// in it as <x/>, which an HTML parser reads as an unclosed <x>, so the HTML
// report fills such elements (html_report.cpp).
#pragma once

#include <boost/property_tree/ptree.hpp>
#include <string>
#include <string_view>

namespace gradcheck::report::xml {

using Tree = boost::property_tree::ptree;

/// `text` as valid XML character data: what is not a character of text
/// (text::character_length) becomes U+FFFD.
std::string valid_text(std::string_view text);

/// A handle on one element of a Tree; elements keep their insertion order.
class Node {
 public:
  explicit Node(Tree& tree) : tree_(&tree) {}

  /// Appends a child element and returns it.
  Node add(const std::string& name);
  /// Appends a child element holding `text`.
  Node add(const std::string& name, std::string_view text);
  /// Sets attribute `name` (in call order).
  Node& attr(const std::string& name, std::string_view value);
  /// Appends a run of text (mixed content: runs and elements keep their order).
  Node& text(std::string_view text);

 private:
  Tree* tree_;
};

/// The document rooted at `root` (a tree whose single child is the root
/// element), indented by one space per level, with the XML declaration.
std::string write(const Tree& root);

}  // namespace gradcheck::report::xml
