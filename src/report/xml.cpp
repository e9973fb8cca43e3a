#include "report/xml.hpp"

#include <boost/property_tree/xml_parser.hpp>
#include <sstream>

#include "runner/text.hpp"

namespace gradcheck::report::xml {
namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace

std::string valid_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t k = 0; k < text.size();) {
    const std::size_t n = runner::text::character_length(text, k);
    if (n == 0) {
      out += replacement;
      ++k;
    } else {
      out.append(text.substr(k, n));
      k += n;
    }
  }
  return out;
}

Node Node::add(const std::string& name) { return Node(tree_->push_back({name, Tree()})->second); }

Node Node::add(const std::string& name, std::string_view text) {
  Node child = add(name);
  child.text(text);
  return child;
}

Node& Node::attr(const std::string& name, std::string_view value) {
  Tree* attributes = nullptr;
  if (auto found = tree_->find("<xmlattr>"); found != tree_->not_found()) {
    attributes = &found->second;
  } else {
    attributes = &tree_->push_front({"<xmlattr>", Tree()})->second;
  }
  attributes->push_back({name, Tree(valid_text(value))});
  return *this;
}

Node& Node::text(std::string_view text) {
  if (text.empty()) return *this;
  // One run per stretch of text: the writer puts each run on its own line,
  // which a browser would show as a space between them.
  if (!tree_->empty() && tree_->back().first == "<xmltext>") {
    tree_->back().second.data() += valid_text(text);
  } else {
    tree_->push_back({"<xmltext>", Tree(valid_text(text))});
  }
  return *this;
}

std::string write(const Tree& root) {
  std::ostringstream out;
  boost::property_tree::write_xml(out, root, boost::property_tree::xml_writer_make_settings<std::string>(' ', 1));
  return out.str();
}

}  // namespace gradcheck::report::xml
