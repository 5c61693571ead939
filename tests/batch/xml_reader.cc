#include "tests/batch/xml_reader.h"

#include <cctype>
#include <stdexcept>

#include "core/contracts/utf8.h"

namespace backbeat::testing {

std::vector<const XmlElement*> XmlElement::all(const std::string& child) const {
  std::vector<const XmlElement*> out;
  for (const auto& c : children) {
    if (c->name == child) out.push_back(c.get());
  }
  return out;
}

namespace {

struct Reader {
  const std::string& s;
  std::size_t pos = 0;

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("offset " + std::to_string(pos) + ": " + what);
  }
  bool at(const char* text) const {
    return s.compare(pos, std::char_traits<char>::length(text), text) == 0;
  }
  void expect(const char* text) {
    if (!at(text)) fail(std::string("expected '") + text + "'");
    pos += std::char_traits<char>::length(text);
  }
  void skip_space() {
    while (pos < s.size() &&
           (s[pos] == ' ' || s[pos] == '\n' || s[pos] == '\t' || s[pos] == '\r')) {
      ++pos;
    }
  }
  std::string name() {
    const std::size_t start = pos;
    while (pos < s.size() && (std::isalnum(static_cast<unsigned char>(s[pos])) != 0 ||
                              s[pos] == '_' || s[pos] == '-' || s[pos] == '.' || s[pos] == ':')) {
      ++pos;
    }
    if (pos == start || std::isdigit(static_cast<unsigned char>(s[start])) != 0)
      fail("expected a name");
    return s.substr(start, pos - start);
  }
  // Character data up to `stop`, with references resolved and XML 1.0's characters enforced.
  std::string chars(char stop) {
    std::string out;
    while (pos < s.size() && s[pos] != stop) {
      const auto byte = static_cast<unsigned char>(s[pos]);
      if (s[pos] == '<') fail("'<' in character data");
      if (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') fail("control character");
      if (s[pos] == '&') {
        out += reference();
        continue;
      }
      if (byte >= 0x80) {
        const std::size_t n = utf8_sequence_length(s, pos);
        if (n == 0) fail("bytes that are not UTF-8");
        if (s.compare(pos, 3, "\xEF\xBF\xBE") == 0 || s.compare(pos, 3, "\xEF\xBF\xBF") == 0) {
          fail("U+FFFE or U+FFFF");
        }
        out += s.substr(pos, n);
        pos += n;
        continue;
      }
      out += s[pos++];
    }
    return out;
  }
  std::string reference() {
    static const std::map<std::string, std::string> entities = {
        {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}};
    const std::size_t end = s.find(';', pos);
    if (end == std::string::npos || end - pos > 12) fail("'&' that starts no reference");
    const std::string ref = s.substr(pos + 1, end - pos - 1);
    pos = end + 1;
    if (auto it = entities.find(ref); it != entities.end()) return it->second;
    if (ref.size() > 1 && ref[0] == '#') {
      const bool hex = ref[1] == 'x';
      const unsigned long cp = std::stoul(ref.substr(hex ? 2 : 1), nullptr, hex ? 16 : 10);
      if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')
        fail("reference to a control character");
      if (cp < 0x80) return std::string(1, static_cast<char>(cp));
      return "?";  // the sweep never writes these; the value does not matter for well-formedness
    }
    fail("unknown entity &" + ref + ";");
  }
  std::unique_ptr<XmlElement> element() {
    expect("<");
    auto e = std::make_unique<XmlElement>();
    e->name = name();
    for (;;) {
      skip_space();
      if (at("/>")) {
        pos += 2;
        return e;
      }
      if (at(">")) {
        ++pos;
        break;
      }
      std::string key = name();
      skip_space();
      expect("=");
      skip_space();
      if (!at("\"") && !at("'")) fail("expected a quoted attribute value");
      const char quote = s[pos++];
      std::string value = chars(quote);
      expect(quote == '"' ? "\"" : "'");
      if (!e->attributes.emplace(key, value).second) fail("duplicate attribute " + key);
    }
    for (;;) {
      e->text += chars('<');
      if (pos >= s.size()) fail("unclosed <" + e->name + ">");
      if (at("</")) {
        pos += 2;
        if (name() != e->name) fail("mismatched end tag for <" + e->name + ">");
        skip_space();
        expect(">");
        return e;
      }
      e->children.push_back(element());
    }
  }
};

}  // namespace

XmlParse parse_xml(const std::string& document) {
  XmlParse result;
  Reader r{document};
  try {
    if (r.at("<?xml")) {
      const std::size_t end = document.find("?>");
      if (end == std::string::npos) r.fail("unterminated XML declaration");
      r.pos = end + 2;
    }
    r.skip_space();
    result.root = r.element();
    r.skip_space();
    if (r.pos != document.size()) r.fail("content after the root element");
  } catch (const std::exception& e) {
    result.root.reset();
    result.error = e.what();
  }
  return result;
}

}  // namespace backbeat::testing
