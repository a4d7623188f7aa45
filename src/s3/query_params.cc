#include "s3/query_params.h"

#include "core/url_codec.h"

namespace invtrack {

std::optional<QueryParams> QueryParams::Parse(std::string_view raw_query) {
  QueryParams params;
  while (!raw_query.empty()) {
    size_t end = raw_query.find('&');
    std::string_view pair = raw_query.substr(0, end);
    raw_query = end == std::string_view::npos ? std::string_view() : raw_query.substr(end + 1);
    if (pair.empty()) continue;
    size_t equals = pair.find('=');
    Result<std::string> name = PercentDecode(pair.substr(0, equals), true);
    Result<std::string> value = equals == std::string_view::npos
                                    ? std::string()
                                    : PercentDecode(pair.substr(equals + 1), true);
    if (!name.ok() || !value.ok()) return std::nullopt;
    params.values_.emplace(std::move(*name), std::move(*value));
  }
  return params;
}

std::optional<std::string_view> QueryParams::Get(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string QueryParams::GetOr(std::string_view name, std::string_view fallback) const {
  std::optional<std::string_view> value = Get(name);
  return std::string(value ? *value : fallback);
}

}  // namespace invtrack
