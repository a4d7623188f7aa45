// PutObject and CopyObject: a new version of an object, stored all or
// nothing; in the pipeline's bucket a `.csv` key also queues its
// ObjectCreated event in the same commit.
#include "core/time_format.h"
#include "core/url_codec.h"
#include "s3/access_policy.h"
#include "s3/handler_support.h"
#include "s3/request_body.h"
#include "s3/s3_handlers.h"
#include "s3/xml_writer.h"

namespace invtrack {

namespace {

struct CopySource {
  std::string bucket;
  std::string key;
};

std::optional<CopySource> ParseCopySource(std::string_view header) {
  size_t query = header.find('?');
  Result<std::string> decoded = PercentDecode(header.substr(0, query), false);
  if (!decoded.ok()) return std::nullopt;
  std::string_view path = *decoded;
  if (path.starts_with('/')) path.remove_prefix(1);
  size_t slash = path.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == path.size()) {
    return std::nullopt;
  }
  return CopySource{std::string(path.substr(0, slash)), std::string(path.substr(slash + 1))};
}

}  // namespace

HttpResponse PutObject(S3Call& call) {
  std::variant<DirBucket*, S3Error> bucket = FindBucket(call);
  if (auto* error = std::get_if<S3Error>(&bucket)) return call.Fail(*error);
  std::variant<std::unique_ptr<RequestBody>, S3Error> opened = RequestBody::Open(call);
  if (auto* error = std::get_if<S3Error>(&opened)) return call.Fail(*error);
  RequestBody& body = *std::get<std::unique_ptr<RequestBody>>(opened);

  PutOptions options = PutOptionsFromHeaders(call.http);
  options.max_size = call.options.max_object_bytes;
  options.expected_md5_hex = body.content_md5_hex();
  PipelineNotice notice(call, "ObjectCreated:Put");
  Result<StoredObject> stored =
      std::get<DirBucket*>(bucket)->Put(call.key, body.source(), options, notice.hook());
  if (!stored.ok()) return call.Fail(body.ErrorFor(stored.status()));

  HttpResponse response = call.Ok();
  response.SetHeader("ETag", QuotedEtag(stored->info.etag));
  if (body.checksum_header()) {
    response.SetHeader(body.checksum_header()->first, body.checksum_header()->second);
  }
  notice.Finish(&response);
  return response;
}

HttpResponse CopyObject(S3Call& call) {
  std::optional<CopySource> source = ParseCopySource(*call.http.Header("x-amz-copy-source"));
  if (!source) {
    return call.Fail(
        S3Error::InvalidArgument("Copy Source must mention the source bucket and key: "
                                 "sourcebucket/sourcekey"));
  }
  const std::string& pipeline_bucket = call.services.pipeline->options().bucket;
  if (!MayAccessObject(call.caller, pipeline_bucket, source->bucket, source->key)) {
    return call.Fail(S3Error::AccessDenied());
  }
  std::variant<DirBucket*, S3Error> target = FindBucket(call);
  if (auto* error = std::get_if<S3Error>(&target)) return call.Fail(*error);
  Result<DirBucket*> from = call.services.buckets->Find(source->bucket);
  if (!from.ok()) return call.Fail(S3Error::NoSuchBucket());

  bool replace = call.http.Header("x-amz-metadata-directive").value_or("COPY") == "REPLACE";
  if (!replace && source->bucket == call.bucket && source->key == call.key) {
    return call.Fail(S3Error::InvalidRequest(
        "This copy request is illegal because it is trying to copy an object to itself without "
        "changing the object's metadata, storage class, website redirect location or encryption "
        "attributes."));
  }
  Result<StoredObject> head = (*from)->Head(source->key);
  if (!head.ok()) return call.Fail(StorageError(head.status()));
  Result<std::unique_ptr<ObjectStream>> reader = (*from)->Open(source->bucket, source->key);
  if (!reader.ok()) return call.Fail(StorageError(reader.status()));

  PutOptions options;
  if (replace) {
    options = PutOptionsFromHeaders(call.http);
  } else {
    options.content_type = head->content_type;
    options.user_metadata = head->user_metadata;
  }
  options.max_size = call.options.max_object_bytes;
  PipelineNotice notice(call, "ObjectCreated:Copy");
  Result<StoredObject> stored =
      std::get<DirBucket*>(target)->Put(call.key, reader->get(), options, notice.hook());
  if (!stored.ok()) return call.Fail(StorageError(stored.status()));

  XmlWriter xml;
  xml.Open("CopyObjectResult", true);
  xml.Element("LastModified", FormatIsoMillis(stored->info.last_modified_ms));
  xml.Element("ETag", QuotedEtag(stored->info.etag));
  xml.Close("CopyObjectResult");
  HttpResponse response = call.Xml(xml.Finish());
  notice.Finish(&response);
  return response;
}

}  // namespace invtrack
