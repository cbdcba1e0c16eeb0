// A minimal streaming XML writer for S3 response bodies: elements in order, text escaped.
// (Request bodies are parsed with pugixml; writing needs no DOM.)
#pragma once

#include <string>
#include <string_view>

namespace cairn::s3 {

class XmlWriter {
 public:
  // Starts with the XML declaration.
  XmlWriter();
  // <name xmlns="http://s3.amazonaws.com/doc/2006-03-01/"> for the document's root element.
  void OpenRoot(std::string_view name);
  void Open(std::string_view name);
  void Close(std::string_view name);
  void Element(std::string_view name, std::string_view text);
  std::string Finish() { return std::move(out_); }

 private:
  std::string out_;
};

// Escapes &, <, >, ", ' and control characters that XML 1.0 cannot carry literally.
void AppendXmlEscaped(std::string& out, std::string_view text);

}  // namespace cairn::s3
