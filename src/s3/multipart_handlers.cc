// Multipart uploads: create, upload part, complete, abort, list parts, list
// uploads. Completing one in the pipeline's bucket queues the
// ObjectCreated event in the same commit as the assembled object.
#include <charconv>

#include <pugixml.hpp>

#include "core/time_format.h"
#include "s3/access_policy.h"
#include "s3/handler_support.h"
#include "s3/request_body.h"
#include "s3/s3_handlers.h"
#include "s3/xml_writer.h"

namespace invtrack {

namespace {

constexpr int kMaxPartNumber = 10000;
constexpr size_t kMaxListed = 1000;

std::optional<int64_t> ParseInteger(std::string_view text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<int> PartNumber(std::string_view text) {
  std::optional<int64_t> value = ParseInteger(text);
  if (!value || *value < 1 || *value > kMaxPartNumber) return std::nullopt;
  return static_cast<int>(*value);
}

S3Error MultipartStorageError(const Status& status) {
  std::optional<MultipartError> error = MultipartErrorOf(status);
  if (!error) return StorageError(status);
  switch (*error) {
    case MultipartError::kNoSuchUpload:
      return S3Error::NoSuchUpload();
    case MultipartError::kInvalidPartOrder:
      return {400, "InvalidPartOrder",
              "The list of parts was not in ascending order. Parts must be ordered by part "
              "number."};
    case MultipartError::kInvalidPart:
      return {400, "InvalidPart",
              "One or more of the specified parts could not be found. The part may not have been "
              "uploaded, or the specified entity tag may not match the part's entity tag."};
    case MultipartError::kEntityTooSmall:
      return {400, "EntityTooSmall",
              "Your proposed upload is smaller than the minimum allowed object size."};
    case MultipartError::kInvalidArgument:
      return S3Error::InvalidArgument(status.message());
  }
  return StorageError(status);
}

HttpResponse UploadIdError(S3Call& call) {
  return call.Fail(S3Error::InvalidArgument("uploadId must be given"));
}

}  // namespace

HttpResponse CreateMultipartUpload(S3Call& call) {
  std::variant<MultipartStore*, S3Error> store = FindMultipart(call);
  if (auto* error = std::get_if<S3Error>(&store)) return call.Fail(*error);
  Result<MultipartUpload> upload = std::get<MultipartStore*>(store)->Create(
      call.key, PutOptionsFromHeaders(call.http), call.caller.access_key_id);
  if (!upload.ok()) return call.Fail(StorageError(upload.status()));
  XmlWriter xml;
  xml.Open("InitiateMultipartUploadResult", true);
  xml.Element("Bucket", call.bucket);
  xml.Element("Key", call.key);
  xml.Element("UploadId", upload->upload_id);
  xml.Close("InitiateMultipartUploadResult");
  HttpResponse response = call.Xml(xml.Finish());
  // Newer SDKs announce the checksum of the parts; echoing it is harmless.
  if (auto algorithm = call.http.Header("x-amz-checksum-algorithm")) {
    response.SetHeader("x-amz-checksum-algorithm", std::string(*algorithm));
  }
  return response;
}

HttpResponse UploadPart(S3Call& call) {
  std::optional<int> part_number = PartNumber(call.query.GetOr("partNumber", ""));
  if (!part_number) {
    return call.Fail(
        S3Error::InvalidArgument("Part number must be an integer between 1 and 10000, inclusive"));
  }
  std::optional<std::string_view> upload_id = call.query.Get("uploadId");
  if (!upload_id) return UploadIdError(call);
  std::variant<MultipartStore*, S3Error> store = FindMultipart(call);
  if (auto* error = std::get_if<S3Error>(&store)) return call.Fail(*error);
  std::variant<std::unique_ptr<RequestBody>, S3Error> opened = RequestBody::Open(call);
  if (auto* error = std::get_if<S3Error>(&opened)) return call.Fail(*error);
  RequestBody& body = *std::get<std::unique_ptr<RequestBody>>(opened);
  Result<UploadedPart> part = std::get<MultipartStore*>(store)->PutPart(
      *upload_id, *part_number, body.source(), body.content_md5_hex(),
      call.options.max_object_bytes);
  if (!part.ok()) {
    if (part.status().IsNotFound()) return call.Fail(S3Error::NoSuchUpload());
    return call.Fail(body.ErrorFor(part.status()));
  }
  HttpResponse response = call.Ok();
  response.SetHeader("ETag", QuotedEtag(part->etag));
  if (body.checksum_header()) {
    response.SetHeader(body.checksum_header()->first, body.checksum_header()->second);
  }
  return response;
}

HttpResponse CompleteMultipartUpload(S3Call& call) {
  std::string upload_id = call.query.GetOr("uploadId", "");
  std::variant<MultipartStore*, S3Error> store = FindMultipart(call);
  if (auto* error = std::get_if<S3Error>(&store)) return call.Fail(*error);
  std::variant<std::string, S3Error> body = ReadSmallBody(call);
  if (auto* error = std::get_if<S3Error>(&body)) return call.Fail(*error);
  const std::string& text = std::get<std::string>(body);

  pugi::xml_document document;
  if (!document.load_buffer(text.data(), text.size())) return call.Fail(S3Error::MalformedXml());
  pugi::xml_node root = document.child("CompleteMultipartUpload");
  if (!root) return call.Fail(S3Error::MalformedXml());
  std::vector<CompletedPartRef> parts;
  for (pugi::xml_node part : root.children("Part")) {
    std::optional<int> number = PartNumber(part.child_value("PartNumber"));
    if (!number || !part.child("ETag")) return call.Fail(S3Error::MalformedXml());
    parts.push_back(CompletedPartRef{*number, part.child_value("ETag")});
  }
  if (parts.empty()) {
    return call.Fail(S3Error::InvalidRequest("You must specify at least one part"));
  }

  PipelineNotice notice(call, "ObjectCreated:CompleteMultipartUpload");
  Result<StoredObject> stored = std::get<MultipartStore*>(store)->Complete(
      upload_id, parts, notice.hook(), call.options.min_part_bytes);
  if (!stored.ok()) return call.Fail(MultipartStorageError(stored.status()));

  XmlWriter xml;
  xml.Open("CompleteMultipartUploadResult", true);
  xml.Element("Location", "/" + call.bucket + "/" + call.key);
  xml.Element("Bucket", call.bucket);
  xml.Element("Key", call.key);
  xml.Element("ETag", QuotedEtag(stored->info.etag));
  xml.Close("CompleteMultipartUploadResult");
  HttpResponse response = call.Xml(xml.Finish());
  notice.Finish(&response);
  return response;
}

HttpResponse AbortMultipartUpload(S3Call& call) {
  std::variant<MultipartStore*, S3Error> store = FindMultipart(call);
  if (auto* error = std::get_if<S3Error>(&store)) return call.Fail(*error);
  Status aborted = std::get<MultipartStore*>(store)->Abort(call.query.GetOr("uploadId", ""));
  if (!aborted.ok()) return call.Fail(MultipartStorageError(aborted));
  HttpResponse response = call.Ok();
  response.status = 204;
  return response;
}

HttpResponse ListParts(S3Call& call) {
  std::variant<MultipartStore*, S3Error> store = FindMultipart(call);
  if (auto* error = std::get_if<S3Error>(&store)) return call.Fail(*error);
  std::string upload_id = call.query.GetOr("uploadId", "");
  std::optional<int64_t> marker = ParseInteger(call.query.GetOr("part-number-marker", "0"));
  std::optional<int64_t> max_parts = ParseInteger(call.query.GetOr("max-parts", "1000"));
  if (!marker || !max_parts || *marker < 0 || *max_parts < 0) {
    return call.Fail(S3Error::InvalidArgument("part-number-marker and max-parts must be integers"));
  }
  size_t limit = std::min<size_t>(static_cast<size_t>(*max_parts), kMaxListed);
  // One more than asked for tells whether the list is truncated.
  Result<std::vector<UploadedPart>> parts =
      std::get<MultipartStore*>(store)->ListParts(upload_id, static_cast<int>(*marker), limit + 1);
  if (!parts.ok()) return call.Fail(MultipartStorageError(parts.status()));
  bool truncated = parts->size() > limit;
  if (truncated) parts->resize(limit);

  XmlWriter xml;
  xml.Open("ListPartsResult", true);
  xml.Element("Bucket", call.bucket);
  xml.Element("Key", call.key);
  xml.Element("UploadId", upload_id);
  xml.Element("PartNumberMarker", *marker);
  if (!parts->empty()) xml.Element("NextPartNumberMarker", parts->back().part_number);
  xml.Element("MaxParts", static_cast<uint64_t>(limit));
  xml.Element("IsTruncated", truncated);
  xml.Element("StorageClass", "STANDARD");
  for (const UploadedPart& part : *parts) {
    xml.Open("Part");
    xml.Element("PartNumber", part.part_number);
    xml.Element("LastModified", FormatIsoMillis(part.last_modified_ms));
    xml.Element("ETag", QuotedEtag(part.etag));
    xml.Element("Size", part.size);
    xml.Close("Part");
  }
  xml.Close("ListPartsResult");
  return call.Xml(xml.Finish());
}

HttpResponse ListMultipartUploads(S3Call& call) {
  std::variant<MultipartStore*, S3Error> store = FindMultipart(call);
  if (auto* error = std::get_if<S3Error>(&store)) return call.Fail(*error);
  std::string prefix = call.query.GetOr("prefix", "");
  std::string key_marker = call.query.GetOr("key-marker", "");
  std::string id_marker = call.query.GetOr("upload-id-marker", "");
  std::optional<int64_t> max_uploads = ParseInteger(call.query.GetOr("max-uploads", "1000"));
  if (!max_uploads || *max_uploads < 0) {
    return call.Fail(S3Error::InvalidArgument("max-uploads must be an integer"));
  }
  size_t limit = std::min<size_t>(static_cast<size_t>(*max_uploads), kMaxListed);
  Result<std::vector<MultipartUpload>> uploads =
      std::get<MultipartStore*>(store)->ListUploads(prefix, key_marker, id_marker, limit + 1);
  if (!uploads.ok()) return call.Fail(StorageError(uploads.status()));
  bool truncated = uploads->size() > limit;
  if (truncated) uploads->resize(limit);

  XmlWriter xml;
  xml.Open("ListMultipartUploadsResult", true);
  xml.Element("Bucket", call.bucket);
  xml.Element("KeyMarker", key_marker);
  xml.Element("UploadIdMarker", id_marker);
  if (truncated && !uploads->empty()) {
    xml.Element("NextKeyMarker", uploads->back().key);
    xml.Element("NextUploadIdMarker", uploads->back().upload_id);
  }
  xml.Element("Prefix", prefix);
  xml.Element("MaxUploads", static_cast<uint64_t>(limit));
  xml.Element("IsTruncated", truncated);
  for (const MultipartUpload& upload : *uploads) {
    xml.Open("Upload");
    xml.Element("Key", upload.key);
    xml.Element("UploadId", upload.upload_id);
    xml.Element("StorageClass", "STANDARD");
    xml.Element("Initiated", FormatIsoMillis(upload.initiated_ms));
    xml.Close("Upload");
  }
  xml.Close("ListMultipartUploadsResult");
  return call.Xml(xml.Finish());
}

}  // namespace invtrack
