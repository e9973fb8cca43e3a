#include "runner/xml.hpp"

#include <boost/property_tree/xml_parser.hpp>
#include <sstream>

namespace gradcheck::runner::xml {
namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace

std::size_t character_length(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char b = byte(at);
  if (b < 0x80) return (b >= 0x20 || b == '\t' || b == '\n' || b == '\r') ? 1 : 0;
  std::size_t n = 0;
  char32_t cp = 0;
  if ((b & 0xE0) == 0xC0) {
    n = 2;
    cp = b & 0x1Fu;
  } else if ((b & 0xF0) == 0xE0) {
    n = 3;
    cp = b & 0x0Fu;
  } else if ((b & 0xF8) == 0xF0) {
    n = 4;
    cp = b & 0x07u;
  } else {
    return 0;
  }
  if (at + n > text.size()) return 0;
  for (std::size_t i = 1; i < n; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(at + i) & 0x3Fu);
  }
  const char32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
  // Overlong forms, surrogates, beyond Unicode, and the two non-characters
  // XML 1.0 excludes are not characters.
  if (cp < least[n] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF || cp == 0xFFFE || cp == 0xFFFF) return 0;
  return n;
}

std::string valid_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t k = 0; k < text.size();) {
    const std::size_t n = character_length(text, k);
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

}  // namespace gradcheck::runner::xml
