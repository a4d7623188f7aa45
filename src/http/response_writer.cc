#include "http/response_writer.h"

// Beast settings must come before every Boost header.
// clang-format off
#include "http/beast_config.h"
// clang-format on

#include <chrono>
#include <cstdio>
#include <ctime>
#include <exception>
#include <optional>

#include <boost/beast/http/status.hpp>
#include <strings.h>

#include "core/result.h"

namespace invtrack {
namespace {

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// Fields whose value follows from how the server frames the body.
bool IsFramingField(std::string_view name) {
  return EqualsIgnoringCase(name, "Content-Length") ||
         EqualsIgnoringCase(name, "Transfer-Encoding") || EqualsIgnoringCase(name, "Connection");
}

bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsDecimal(std::string_view text) {
  return !text.empty() && text.size() <= 19 &&
         text.find_first_not_of("0123456789") == std::string_view::npos;
}

// 1xx, 204 and 304 responses never carry a body (RFC 9110, 6.4.1).
bool StatusAllowsBody(int status) { return status >= 200 && status != 204 && status != 304; }

// An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), independent of the locale.
std::string HttpDate(std::chrono::system_clock::time_point when) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char text[40];
  std::snprintf(text, sizeof(text), "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[utc.tm_wday % 7],
                utc.tm_mday, kMonths[utc.tm_mon % 12], utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                utc.tm_sec);
  return text;
}

void AppendField(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

void AppendStatusLine(std::string& out, int status) {
  namespace http = boost::beast::http;
  out.append("HTTP/1.1 ").append(std::to_string(status)).append(" ");
  http::status known = http::int_to_status(static_cast<unsigned>(status));
  if (known != http::status::unknown) out.append(http::obsolete_reason(known));
  out.append("\r\n");
}

// Sends each Write as one HTTP chunk (or raw bytes for HTTP/1.0, where the
// connection's close ends the body). After a failure every Write fails.
class StreamWriter final : public ResponseStreamWriter {
 public:
  StreamWriter(SocketStream& stream, bool chunked) : stream_(stream), chunked_(chunked) {}

  Status Write(std::string_view bytes) override {
    if (!status_.ok() || bytes.empty()) return status_;  // an empty chunk would end the body
    if (!chunked_) return status_ = stream_.WriteAll({bytes});
    char size_line[24];
    int length = std::snprintf(size_line, sizeof(size_line), "%zx\r\n", bytes.size());
    status_ = stream_.WriteAll({std::string_view(size_line, static_cast<size_t>(length)), bytes,
                                std::string_view("\r\n")});
    return status_;
  }

  const Status& status() const { return status_; }

 private:
  SocketStream& stream_;
  bool chunked_;
  Status status_;
};

}  // namespace

Status ValidateResponse(const HttpResponse& response) {
  if (response.status < 100 || response.status > 999) {
    return Status::Internal("handler returned HTTP status " + std::to_string(response.status));
  }
  for (const auto& [name, value] : response.headers) {
    bool name_ok = !name.empty();
    for (char c : name) name_ok = name_ok && IsTokenChar(c);
    if (!name_ok) return Status::Internal("handler returned a bad header name", name);
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      return Status::Internal("handler returned a header value with CR, LF or NUL", name);
    }
  }
  return Status::OK();
}

bool ResponseClosesConnection(const HttpResponse& response, unsigned version, bool head_request) {
  if (response.close_connection) return true;
  for (const auto& [name, value] : response.headers) {
    if (EqualsIgnoringCase(name, "Connection") && EqualsIgnoringCase(value, "close")) return true;
  }
  return version < 11 && response.stream && !head_request && StatusAllowsBody(response.status);
}

HttpResponse MakeErrorResponse(int status) {
  namespace http = boost::beast::http;
  HttpResponse response;
  response.status = status;
  response.body = std::string(http::obsolete_reason(http::int_to_status(status))) + "\n";
  response.SetHeader("Content-Type", "text/plain; charset=utf-8");
  response.close_connection = true;
  return response;
}

std::string FormatErrorResponse(int status, std::string_view server_name) {
  HttpResponse response = MakeErrorResponse(status);
  std::string out;
  AppendStatusLine(out, status);
  AppendField(out, "Date", HttpDate(std::chrono::system_clock::now()));
  if (!server_name.empty()) AppendField(out, "Server", server_name);
  for (const auto& [name, value] : response.headers) AppendField(out, name, value);
  AppendField(out, "Content-Length", std::to_string(response.body.size()));
  AppendField(out, "Connection", "close");
  out.append("\r\n").append(response.body);
  return out;
}

Status ResponseWriter::Send(const HttpResponse& response, bool head_request, unsigned version,
                            bool keep_alive) {
  std::string head;
  head.reserve(256);
  AppendStatusLine(head, response.status);
  bool has_date = false;
  bool has_server = false;
  // A handler may state a HEAD response's length as a header, too.
  std::optional<std::string_view> handler_length;
  for (const auto& [name, value] : response.headers) {
    if (IsFramingField(name)) {
      if (EqualsIgnoringCase(name, "Content-Length") && IsDecimal(value)) handler_length = value;
      continue;
    }
    has_date = has_date || EqualsIgnoringCase(name, "Date");
    has_server = has_server || EqualsIgnoringCase(name, "Server");
    AppendField(head, name, value);
  }
  if (!has_date) AppendField(head, "Date", HttpDate(std::chrono::system_clock::now()));
  if (!has_server && !server_name_.empty()) AppendField(head, "Server", server_name_);

  const bool has_body = StatusAllowsBody(response.status);
  const bool chunked = has_body && response.stream && version >= 11;
  if (head_request && (response.head_content_length || handler_length)) {
    AppendField(head, "Content-Length",
                response.head_content_length ? std::to_string(*response.head_content_length)
                                             : std::string(*handler_length));
  } else if (chunked) {
    if (!head_request) AppendField(head, "Transfer-Encoding", "chunked");
  } else if (has_body && !response.stream) {
    uint64_t length = response.file ? response.file->length : response.body.size();
    AppendField(head, "Content-Length", std::to_string(length));
  }
  AppendField(head, "Connection", keep_alive ? "keep-alive" : "close");
  head.append("\r\n");

  if (head_request || !has_body) return stream_.WriteAll({head});
  if (response.stream) {
    INVTRACK_RETURN_IF_ERROR(stream_.WriteAll({head}));
    return SendStream(response, chunked);
  }
  if (response.file) {
    if (!response.file->file) return Status::Internal("file response without a file");
    INVTRACK_RETURN_IF_ERROR(stream_.WriteAll({head}, /*more=*/response.file->length > 0));
    return stream_.SendFile(response.file->file->fd(), response.file->offset,
                            response.file->length);
  }
  return stream_.WriteAll({head, response.body});
}

Status ResponseWriter::SendStream(const HttpResponse& response, bool chunked) {
  StreamWriter writer(stream_, chunked);
  try {
    response.stream(writer);
  } catch (const std::exception& e) {
    // The header is out: the client can only learn of the failure from an
    // unfinished body, so the connection must close.
    return Status::Internal("response stream threw", e.what());
  } catch (...) {
    return Status::Internal("response stream threw");
  }
  INVTRACK_RETURN_IF_ERROR(writer.status());
  return chunked ? stream_.WriteAll({std::string_view("0\r\n\r\n")}) : Status::OK();
}

}  // namespace invtrack
