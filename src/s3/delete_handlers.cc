// DeleteObject and DeleteObjects (the batch form, an XML list of keys).
#include <pugixml.hpp>

#include "s3/access_policy.h"
#include "s3/handler_support.h"
#include "s3/s3_handlers.h"
#include "s3/xml_writer.h"

namespace invtrack {

namespace {

constexpr size_t kMaxKeysPerDelete = 1000;

}  // namespace

HttpResponse DeleteObject(S3Call& call) {
  std::variant<DirBucket*, S3Error> bucket = FindBucket(call);
  if (auto* error = std::get_if<S3Error>(&bucket)) return call.Fail(*error);
  Status deleted = std::get<DirBucket*>(bucket)->Delete(call.key);
  if (!deleted.ok()) return call.Fail(StorageError(deleted));
  HttpResponse response = call.Ok();
  response.status = 204;
  return response;
}

HttpResponse DeleteObjects(S3Call& call) {
  std::variant<DirBucket*, S3Error> bucket = FindBucket(call);
  if (auto* error = std::get_if<S3Error>(&bucket)) return call.Fail(*error);
  std::variant<std::string, S3Error> body = ReadSmallBody(call);
  if (auto* error = std::get_if<S3Error>(&body)) return call.Fail(*error);
  const std::string& text = std::get<std::string>(body);

  pugi::xml_document document;
  if (!document.load_buffer(text.data(), text.size())) return call.Fail(S3Error::MalformedXml());
  pugi::xml_node root = document.child("Delete");
  if (!root) return call.Fail(S3Error::MalformedXml());
  bool quiet = std::string_view(root.child_value("Quiet")) == "true";
  std::vector<std::string> keys;
  for (pugi::xml_node object : root.children("Object")) {
    pugi::xml_node key = object.child("Key");
    if (!key) return call.Fail(S3Error::MalformedXml());
    keys.emplace_back(key.child_value());
  }
  if (keys.empty() || keys.size() > kMaxKeysPerDelete) return call.Fail(S3Error::MalformedXml());

  const std::string& pipeline_bucket = call.services.pipeline->options().bucket;
  XmlWriter xml;
  xml.Open("DeleteResult", true);
  for (const std::string& key : keys) {
    std::optional<S3Error> failure;
    if (!MayAccessObject(call.caller, pipeline_bucket, call.bucket, key)) {
      failure = S3Error::AccessDenied();
    } else if (Status deleted = std::get<DirBucket*>(bucket)->Delete(key); !deleted.ok()) {
      failure = StorageError(deleted);
    }
    if (failure) {
      xml.Open("Error");
      xml.Element("Key", key);
      xml.Element("Code", failure->code);
      xml.Element("Message", failure->message);
      xml.Close("Error");
    } else if (!quiet) {
      xml.Open("Deleted");
      xml.Element("Key", key);
      xml.Close("Deleted");
    }
  }
  xml.Close("DeleteResult");
  return call.Xml(xml.Finish());
}

}  // namespace invtrack
