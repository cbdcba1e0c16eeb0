#include "s3/xml_writer.h"

#include <cstdio>

namespace cairn::s3 {

XmlWriter::XmlWriter() {
  out_.reserve(1024);
  out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
}

void XmlWriter::OpenRoot(std::string_view name) {
  out_ += '<';
  out_ += name;
  out_ += " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
}

void XmlWriter::Open(std::string_view name) {
  out_ += '<';
  out_ += name;
  out_ += '>';
}

void XmlWriter::Close(std::string_view name) {
  out_ += "</";
  out_ += name;
  out_ += '>';
}

void XmlWriter::Element(std::string_view name, std::string_view text) {
  Open(name);
  AppendXmlEscaped(out_, text);
  Close(name);
}

void AppendXmlEscaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          // As references, so parsers do not normalise \r\n or drop them.
          char buf[8];
          std::snprintf(buf, sizeof buf, "&#x%X;", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
}

}  // namespace cairn::s3
