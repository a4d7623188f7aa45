// QueryParams: a request's query string, decoded. S3 marks operations by
// valueless parameters ("?uploads", "?delete"), so presence matters as
// much as values.
// Thread-safety: a value type.
#ifndef INVTRACK_S3_QUERY_PARAMS_H_
#define INVTRACK_S3_QUERY_PARAMS_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace invtrack {

class QueryParams {
 public:
  // nullopt if an escape is malformed. A repeated name keeps its first value.
  static std::optional<QueryParams> Parse(std::string_view raw_query);

  bool Has(std::string_view name) const { return values_.find(name) != values_.end(); }
  // The value, or nullopt when absent ("" when present without a value).
  std::optional<std::string_view> Get(std::string_view name) const;
  std::string GetOr(std::string_view name, std::string_view fallback) const;
  const std::map<std::string, std::string, std::less<>>& all() const { return values_; }

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

}  // namespace invtrack

#endif  // INVTRACK_S3_QUERY_PARAMS_H_
