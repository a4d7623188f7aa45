#include "s3/xml_writer.h"

#include <cstdio>

namespace invtrack {

XmlWriter::XmlWriter() { out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"; }

void XmlWriter::Open(std::string_view name, bool s3_namespace) {
  out_ += '<';
  out_ += name;
  if (s3_namespace) out_ += " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";
  out_ += '>';
}

void XmlWriter::Close(std::string_view name) {
  out_ += "</";
  out_ += name;
  out_ += '>';
}

void XmlWriter::Element(std::string_view name, std::string_view text) {
  Open(name);
  AppendEscaped(text);
  Close(name);
}

void XmlWriter::Element(std::string_view name, uint64_t number) {
  Element(name, std::string_view(std::to_string(number)));
}

void XmlWriter::Element(std::string_view name, int64_t number) {
  Element(name, std::string_view(std::to_string(number)));
}

void XmlWriter::AppendEscaped(std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out_ += "&amp;";
        break;
      case '<':
        out_ += "&lt;";
        break;
      case '>':
        out_ += "&gt;";
        break;
      case '"':
        out_ += "&quot;";
        break;
      case '\'':
        out_ += "&apos;";
        break;
      case '\r':
        out_ += "&#13;";
        break;  // a literal CR would be normalised away
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') {
          char reference[8];
          std::snprintf(reference, sizeof(reference), "&#%d;", c);
          out_ += reference;
        } else {
          out_ += c;
        }
    }
  }
}

}  // namespace invtrack
