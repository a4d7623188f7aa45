#include "cli/config.h"

#include <charconv>
#include <optional>
#include <string_view>

#include <toml++/toml.h>

#include "cli/notify_config.h"

namespace invtrack {

namespace {

std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Reads an integer at `path` into *out if present, within [min, max].
Status ReadInt(const toml::table& table, std::string_view path, int64_t min, int64_t max,
               int64_t* out) {
  toml::node_view<const toml::node> node = table.at_path(path);
  if (!node) return Status::OK();
  std::optional<int64_t> value = node.value<int64_t>();
  if (!value || !node.is_integer() || *value < min || *value > max) {
    return Status::InvalidArgument(std::string(path) + " must be a whole number from " +
                                   std::to_string(min) + " to " + std::to_string(max));
  }
  *out = *value;
  return Status::OK();
}

Status ReadString(const toml::table& table, std::string_view path, std::string* out) {
  toml::node_view<const toml::node> node = table.at_path(path);
  if (!node) return Status::OK();
  if (!node.is_string()) return Status::InvalidArgument(std::string(path) + " must be a string");
  *out = *node.value<std::string>();
  return Status::OK();
}

Status ReadBool(const toml::table& table, std::string_view path, bool* out) {
  toml::node_view<const toml::node> node = table.at_path(path);
  if (!node) return Status::OK();
  if (!node.is_boolean())
    return Status::InvalidArgument(std::string(path) + " must be true or false");
  *out = *node.value<bool>();
  return Status::OK();
}

constexpr int64_t kMaxInt = int64_t{1} << 53;

Status ApplyTable(const toml::table& t, Config* config) {
  PipelineOptions& p = config->pipeline;
  std::string data_dir = p.data_dir.string();
  INVTRACK_RETURN_IF_ERROR(ReadString(t, "data_dir", &data_dir));
  p.data_dir = data_dir;
  INVTRACK_RETURN_IF_ERROR(ReadString(t, "log_level", &config->log_level));
  INVTRACK_RETURN_IF_ERROR(ReadString(t, "bucket.name", &p.bucket));
  INVTRACK_RETURN_IF_ERROR(ReadString(t, "bucket.region", &p.region));
  int64_t max_object = static_cast<int64_t>(p.max_object_bytes);
  INVTRACK_RETURN_IF_ERROR(ReadInt(t, "bucket.max_object_bytes", 1, kMaxInt, &max_object));
  p.max_object_bytes = static_cast<uint64_t>(max_object);
  INVTRACK_RETURN_IF_ERROR(ReadString(t, "alerts.subject", &p.alert_subject));

  INVTRACK_RETURN_IF_ERROR(ReadBool(t, "s3.enabled", &config->s3.enabled));
  INVTRACK_RETURN_IF_ERROR(ReadString(t, "s3.listen", &config->s3.listen));
  INVTRACK_RETURN_IF_ERROR(ReadString(t, "s3.notify_suffix", &config->s3.notify_suffix));
  INVTRACK_RETURN_IF_ERROR(
      ReadInt(t, "s3.read_timeout_ms", 100, 3600000, &config->s3.read_timeout_ms));
  INVTRACK_RETURN_IF_ERROR(
      ReadInt(t, "s3.max_connections", 1, 100000, &config->s3.max_connections));

  DashboardConfig& dash = config->dashboard;
  INVTRACK_RETURN_IF_ERROR(ReadBool(t, "dashboard.enabled", &dash.enabled));
  INVTRACK_RETURN_IF_ERROR(ReadString(t, "dashboard.listen", &dash.listen));
  INVTRACK_RETURN_IF_ERROR(ReadBool(t, "dashboard.secure_cookies", &dash.secure_cookies));
  INVTRACK_RETURN_IF_ERROR(
      ReadInt(t, "dashboard.max_upload_bytes", 1, kMaxInt, &dash.max_upload_bytes));
  INVTRACK_RETURN_IF_ERROR(
      ReadInt(t, "dashboard.login_free_failures", 1, 1000, &dash.login_free_failures));
  INVTRACK_RETURN_IF_ERROR(
      ReadInt(t, "dashboard.login_base_delay_ms", 1, 3600000, &dash.login_base_delay_ms));

  INVTRACK_RETURN_IF_ERROR(ReadInt(t, "thresholds.default", 0, kMaxInt, &p.low_threshold));
  if (const toml::table* stores = t.at_path("thresholds.stores").as_table()) {
    for (const auto& [store, node] : *stores) {
      std::optional<int64_t> value = node.value<int64_t>();
      if (!node.is_integer() || !value || *value < 0) {
        return Status::InvalidArgument("thresholds.stores." + std::string(store.str()) +
                                       " must be a whole number >= 0");
      }
      p.store_thresholds[std::string(store.str())] = *value;
    }
  }
  if (const toml::array* items = t.at_path("thresholds.items").as_array()) {
    for (const toml::node& entry : *items) {
      const toml::table* item = entry.as_table();
      std::optional<std::string> store =
          item ? item->at_path("store").value<std::string>() : std::nullopt;
      std::optional<std::string> name =
          item ? item->at_path("item").value<std::string>() : std::nullopt;
      std::optional<int64_t> value =
          item ? item->at_path("threshold").value<int64_t>() : std::nullopt;
      if (!store || !name || !value || *value < 0) {
        return Status::InvalidArgument(
            "each [[thresholds.items]] needs store, item and threshold (a whole number >= 0)");
      }
      p.item_thresholds[{*store, *name}] = *value;
    }
  }

  int64_t batch_size = static_cast<int64_t>(p.stream.batch_size);
  INVTRACK_RETURN_IF_ERROR(ReadInt(t, "stream.batch_size", 1, 10000, &batch_size));
  p.stream.batch_size = static_cast<size_t>(batch_size);
  INVTRACK_RETURN_IF_ERROR(
      ReadInt(t, "stream.batch_window_ms", 0, 300000, &p.stream.batch_window_ms));
  int64_t retries = p.stream.max_retry_attempts;
  INVTRACK_RETURN_IF_ERROR(ReadInt(t, "stream.max_retry_attempts", 0, 10000, &retries));
  p.stream.max_retry_attempts = static_cast<int>(retries);
  INVTRACK_RETURN_IF_ERROR(ReadBool(t, "stream.bisect_on_error", &p.stream.bisect_on_error));
  INVTRACK_RETURN_IF_ERROR(
      ReadInt(t, "stream.retry_delay_ms", 0, 3600000, &p.stream.retry_delay_ms));

  INVTRACK_RETURN_IF_ERROR(ApplyNotifyTable(t, &config->notify));
  DeliveryWorkerOptions& d = config->delivery;
  int64_t attempts = d.retry.max_attempts;
  INVTRACK_RETURN_IF_ERROR(ReadInt(t, "delivery.max_attempts", 1, 1000, &attempts));
  d.retry.max_attempts = static_cast<int>(attempts);
  INVTRACK_RETURN_IF_ERROR(
      ReadInt(t, "delivery.initial_backoff_ms", 1, 86400000, &d.retry.initial_backoff_ms));
  INVTRACK_RETURN_IF_ERROR(
      ReadInt(t, "delivery.max_backoff_ms", 1, 86400000, &d.retry.max_backoff_ms));
  int64_t senders = d.sender_threads;
  INVTRACK_RETURN_IF_ERROR(ReadInt(t, "delivery.sender_threads", 1, 256, &senders));
  d.sender_threads = static_cast<int>(senders);
  int64_t per_subscription = d.per_subscription_in_flight;
  INVTRACK_RETURN_IF_ERROR(
      ReadInt(t, "delivery.per_subscription_in_flight", 1, 256, &per_subscription));
  d.per_subscription_in_flight = static_cast<int>(per_subscription);

  int64_t async_retries = p.async.max_retries;
  INVTRACK_RETURN_IF_ERROR(ReadInt(t, "async.max_retries", 0, 2, &async_retries));
  p.async.max_retries = static_cast<int>(async_retries);
  if (toml::node_view<const toml::node> delays = t.at_path("async.retry_delays_ms")) {
    const toml::array* list = delays.as_array();
    std::vector<int64_t> parsed;
    for (size_t i = 0; list && i < list->size(); ++i) {
      std::optional<int64_t> v = (*list)[i].value<int64_t>();
      if (!v || *v < 0)
        list = nullptr;
      else
        parsed.push_back(*v);
    }
    if (!list || parsed.empty()) {
      return Status::InvalidArgument("async.retry_delays_ms must be a list of whole numbers >= 0");
    }
    p.async.delays_ms = parsed;
  }
  return Status::OK();
}

}  // namespace

Status ApplyConfigFile(const std::filesystem::path& path, Config* config) {
  toml::table parsed;
  try {
    // Debian's toml++ is built with exceptions: a syntax error throws.
    parsed = toml::parse_file(path.string());
  } catch (const toml::parse_error& error) {
    return Status::InvalidArgument(path.string() + ":" + std::to_string(error.source().begin.line) +
                                   ": " + std::string(error.description()));
  }
  Status applied = ApplyTable(parsed, config);
  if (!applied.ok()) return Status::InvalidArgument(path.string(), applied.message());
  return Status::OK();
}

Status ApplyEnvironment(const std::function<const char*(const char*)>& getenv, Config* config) {
  PipelineOptions& p = config->pipeline;
  if (const char* v = getenv("INVTRACK_DATA")) p.data_dir = v;
  if (const char* v = getenv("INVTRACK_BUCKET")) p.bucket = v;
  if (const char* v = getenv("INVTRACK_LOG_LEVEL")) config->log_level = v;
  if (const char* v = getenv("INVTRACK_ALERT_SUBJECT")) p.alert_subject = v;
  if (const char* v = getenv("INVTRACK_S3_LISTEN")) config->s3.listen = v;
  if (const char* v = getenv("INVTRACK_DASHBOARD_LISTEN")) config->dashboard.listen = v;
  struct IntVariable {
    const char* name;
    int64_t min;
    int64_t max;
    std::function<void(int64_t)> set;
  } ints[] = {
      {"INVTRACK_LOW_THRESHOLD", 0, kMaxInt, [&](int64_t v) { p.low_threshold = v; }},
      {"INVTRACK_STREAM_BATCH_SIZE", 1, 10000,
       [&](int64_t v) { p.stream.batch_size = static_cast<size_t>(v); }},
      {"INVTRACK_STREAM_BATCH_WINDOW_MS", 0, 300000,
       [&](int64_t v) { p.stream.batch_window_ms = v; }},
      {"INVTRACK_MAX_OBJECT_BYTES", 1, kMaxInt,
       [&](int64_t v) { p.max_object_bytes = static_cast<uint64_t>(v); }},
      {"INVTRACK_DELIVERY_MAX_ATTEMPTS", 1, 1000,
       [&](int64_t v) { config->delivery.retry.max_attempts = static_cast<int>(v); }},
      {"INVTRACK_DELIVERY_INITIAL_BACKOFF_MS", 1, 86400000,
       [&](int64_t v) { config->delivery.retry.initial_backoff_ms = v; }},
      {"INVTRACK_DELIVERY_MAX_BACKOFF_MS", 1, 86400000,
       [&](int64_t v) { config->delivery.retry.max_backoff_ms = v; }},
  };
  INVTRACK_RETURN_IF_ERROR(ApplyNotifyEnvironment(getenv, &config->notify));
  for (const IntVariable& var : ints) {
    const char* text = getenv(var.name);
    if (text == nullptr) continue;
    std::optional<int64_t> value = ParseInt(text);
    if (!value || *value < var.min || *value > var.max) {
      return Status::InvalidArgument(std::string(var.name) + " must be a whole number from " +
                                         std::to_string(var.min) + " to " + std::to_string(var.max),
                                     std::string("got '") + text + "'");
    }
    var.set(*value);
  }
  return Status::OK();
}

}  // namespace invtrack
