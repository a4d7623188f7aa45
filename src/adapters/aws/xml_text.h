// Reading the small, flat XML documents S3 answers with (errors, bucket
// listings): the text of named elements, entities decoded. Not a general
// XML parser: no namespaces prefixes, CDATA or same-name nesting, none of
// which S3 uses in these documents.
// Thread-safety: pure functions.
#ifndef INVTRACK_ADAPTERS_AWS_XML_TEXT_H_
#define INVTRACK_ADAPTERS_AWS_XML_TEXT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace invtrack {

// The raw content (between start and end tag) of every element named `tag`
// in `xml`, in document order. `<Tag/>` gives an empty string.
std::vector<std::string_view> XmlElements(std::string_view xml, std::string_view tag);

// The decoded text of the first element named `tag`, if there is one.
std::optional<std::string> XmlElementText(std::string_view xml, std::string_view tag);

// Decodes &lt; &gt; &amp; &quot; &apos; and numeric character references
// (to UTF-8); anything else is kept as written.
std::string XmlUnescape(std::string_view text);

}  // namespace invtrack

#endif  // INVTRACK_ADAPTERS_AWS_XML_TEXT_H_
