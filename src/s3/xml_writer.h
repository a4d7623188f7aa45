// XmlWriter: builds the small XML documents S3 answers with. Text is
// escaped (&, <, >, ", ') and control characters are written as character
// references, as S3 does; strict XML 1.0 parsers refuse those, which is why
// clients list with encoding-type=url.
// Thread-safety: one instance per document.
#ifndef INVTRACK_S3_XML_WRITER_H_
#define INVTRACK_S3_XML_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace invtrack {

class XmlWriter {
 public:
  // Starts the document with the XML declaration.
  XmlWriter();

  // <name> (with the S3 namespace when `s3_namespace`).
  void Open(std::string_view name, bool s3_namespace = false);
  void Close(std::string_view name);
  void Element(std::string_view name, std::string_view text);
  void Element(std::string_view name, uint64_t number);
  void Element(std::string_view name, int64_t number);
  void Element(std::string_view name, int number) { Element(name, static_cast<int64_t>(number)); }
  void Element(std::string_view name, bool value) { Element(name, value ? "true" : "false"); }
  void Element(std::string_view name, const char* text) { Element(name, std::string_view(text)); }

  void Text(std::string_view text) { AppendEscaped(text); }

  std::string Finish() { return std::move(out_); }

 private:
  void AppendEscaped(std::string_view text);
  std::string out_;
};

}  // namespace invtrack

#endif  // INVTRACK_S3_XML_WRITER_H_
