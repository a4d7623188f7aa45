#include "s3/request_body.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "s3/handler_support.h"
#include "s3/text_codec.h"
#include "sigv4/verifier.h"

namespace invtrack {

namespace {

constexpr std::string_view kSignedStreaming = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
constexpr std::string_view kSignedStreamingTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
constexpr std::string_view kUnsignedStreamingTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
constexpr char kChecksumHeaderPrefix[] = "x-amz-checksum-";

bool IsHexSha256(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

}  // namespace

class RequestBody::WireSource final : public ByteSource {
 public:
  explicit WireSource(ByteSource* http_body) : http_body_(http_body) {}
  Result<size_t> Read(char* buffer, size_t capacity) override {
    Result<size_t> n = http_body_->Read(buffer, capacity);
    if (!n.ok()) failure_ = n.status();
    return n;
  }
  const std::optional<Status>& failure() const { return failure_; }

 private:
  ByteSource* http_body_;
  std::optional<Status> failure_;
};

RequestBody::~RequestBody() = default;

std::variant<std::unique_ptr<RequestBody>, S3Error> RequestBody::Open(S3Call& call) {
  std::unique_ptr<RequestBody> body(new RequestBody());
  const HttpRequest& http = call.http;
  body->wire_ = std::make_unique<WireSource>(&call.http.body());
  body->top_ = body->wire_.get();

  if (std::optional<std::string_view> md5 = http.Header("content-md5")) {
    std::optional<std::string> raw = Base64Decode(*md5);
    if (!raw || raw->size() != 16) {
      return S3Error{400, "InvalidDigest", "The Content-MD5 you specified was invalid."};
    }
    body->content_md5_hex_ = HexEncode(*raw);
  }

  const std::string& payload_hash = call.auth.payload_hash;
  if (payload_hash.starts_with("STREAMING-")) {
    AwsChunkedOptions options;
    if (payload_hash == kSignedStreaming) {
      options.signed_chunks = true;
    } else if (payload_hash == kSignedStreamingTrailer) {
      options.signed_chunks = true;
      options.has_trailer = true;
    } else if (payload_hash == kUnsignedStreamingTrailer) {
      options.signed_chunks = false;
      options.has_trailer = true;
    } else {
      return S3Error::NotImplemented("x-amz-content-sha256: " + payload_hash);
    }
    std::optional<std::string_view> decoded = http.Header("x-amz-decoded-content-length");
    uint64_t length = 0;
    if (!decoded ||
        std::from_chars(decoded->data(), decoded->data() + decoded->size(), length).ec !=
            std::errc()) {
      return S3Error{411, "MissingContentLength",
                     "You must provide the x-amz-decoded-content-length header."};
    }
    options.decoded_length = length;
    if (options.has_trailer) {
      options.trailer_header = AsciiLower(http.Header("x-amz-trailer").value_or(""));
    }
    if (options.signed_chunks) {
      const ParsedAuthorization& auth = call.auth;
      options.seed_signature = auth.signature;
      options.signing_key = DeriveSigningKey(call.caller.secret_access_key, auth.scope_date,
                                             auth.region, auth.service);
      options.amz_date = auth.amz_date;
      options.scope = auth.scope_date + "/" + auth.region + "/" + auth.service + "/aws4_request";
    }
    body->chunked_ = std::make_unique<AwsChunkedDecoder>(body->top_, std::move(options));
    body->top_ = body->chunked_.get();
  } else if (IsHexSha256(payload_hash)) {
    std::optional<std::string> raw = HexDecode(payload_hash);
    body->checks_.push_back(std::make_unique<ChecksumCheckedSource>(
        body->top_, Checksum::ForAlgorithm("sha256"), Base64Encode(*raw),
        S3Error{400, "XAmzContentSHA256Mismatch",
                "The provided 'x-amz-content-sha256' header does not match what was computed."}));
    body->top_ = body->checks_.back().get();
  }

  // A flexible checksum sent as a header (trailing ones are the decoder's).
  for (const auto& [name, value] : http.headers()) {
    std::string lower = AsciiLower(name);
    if (!lower.starts_with(kChecksumHeaderPrefix)) continue;
    if (lower == "x-amz-checksum-type" || lower == "x-amz-checksum-algorithm") continue;
    std::unique_ptr<Checksum> checksum =
        Checksum::ForAlgorithm(std::string_view(lower).substr(sizeof(kChecksumHeaderPrefix) - 1));
    if (!checksum) return S3Error::InvalidRequest("unsupported checksum header " + name);
    body->checksum_header_ = {lower, value};
    body->checks_.push_back(std::make_unique<ChecksumCheckedSource>(
        body->top_, std::move(checksum), value,
        S3Error{400, "BadDigest",
                "The " + lower + " you specified did not match the calculated checksum."}));
    body->top_ = body->checks_.back().get();
  }
  return body;
}

S3Error RequestBody::ErrorFor(const Status& store_failure) const {
  if (wire_->failure()) {
    const std::string& why = wire_->failure()->message();
    if (why.find("time") != std::string::npos) {
      return {400, "RequestTimeout",
              "Your socket connection to the server was not read from or written to within the "
              "timeout period."};
    }
    return {400, "IncompleteBody",
            "You did not provide the number of bytes specified by the Content-Length HTTP "
            "header: " +
                why};
  }
  if (chunked_ && chunked_->failure()) {
    const AuthError& error = *chunked_->failure();
    return {error.http_status, error.code, error.message};
  }
  for (const auto& check : checks_) {
    if (check->failure()) return *check->failure();
  }
  if (store_failure.IsCorruption() &&
      store_failure.message().find("Content-MD5") != std::string::npos) {
    return {400, "BadDigest", "The Content-MD5 you specified did not match what we received."};
  }
  return StorageError(store_failure);
}

}  // namespace invtrack
