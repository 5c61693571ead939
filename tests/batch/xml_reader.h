// A strict reader for the XML the sweep writes (tests only): elements, attributes, character data,
// the XML declaration, the five predefined entities and character references. It refuses what
// XML 1.0 refuses in such documents (mismatched or unclosed tags, a bare & or <, a duplicate
// attribute, a control character, bytes that are not UTF-8), so a JUnit file it accepts is
// well-formed. No DTDs, comments, CDATA or processing instructions: the writer emits none.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace backbeat::testing {

struct XmlElement {
  std::string name;
  std::map<std::string, std::string> attributes;  // values with entities resolved
  std::vector<std::unique_ptr<XmlElement>> children;
  std::string text;  // the character data directly inside, entities resolved

  // The children named `name`, in document order.
  std::vector<const XmlElement*> all(const std::string& name) const;
};

struct XmlParse {
  std::unique_ptr<XmlElement> root;  // null on error
  std::string error;                 // "offset N: what"
};

XmlParse parse_xml(const std::string& document);

}  // namespace backbeat::testing
