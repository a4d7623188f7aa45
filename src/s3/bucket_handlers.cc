// ListBuckets, CreateBucket, DeleteBucket, HeadBucket, GetBucketLocation,
// GetBucketVersioning.
#include "core/time_format.h"
#include "s3/handler_support.h"
#include "s3/s3_handlers.h"
#include "s3/xml_writer.h"

namespace invtrack {

namespace {

constexpr char kOwnerId[] = "invtrack";

}  // namespace

HttpResponse ListBuckets(S3Call& call) {
  Result<std::vector<BucketInfo>> buckets = call.services.buckets->List();
  if (!buckets.ok()) return call.Fail(StorageError(buckets.status()));
  XmlWriter xml;
  xml.Open("ListAllMyBucketsResult", true);
  xml.Open("Owner");
  xml.Element("ID", kOwnerId);
  xml.Element("DisplayName", kOwnerId);
  xml.Close("Owner");
  xml.Open("Buckets");
  for (const BucketInfo& bucket : *buckets) {
    xml.Open("Bucket");
    xml.Element("Name", bucket.name);
    xml.Element("CreationDate", FormatIsoMillis(bucket.created_ms));
    xml.Close("Bucket");
  }
  xml.Close("Buckets");
  xml.Close("ListAllMyBucketsResult");
  return call.Xml(xml.Finish());
}

HttpResponse CreateBucket(S3Call& call) {
  // The body may name a LocationConstraint; there is one region here.
  Status created = call.services.buckets->Create(call.bucket);
  if (created.IsAlreadyExists()) {
    return call.Fail({409, "BucketAlreadyOwnedByYou",
                      "Your previous request to create the named bucket succeeded and you "
                      "already own it."});
  }
  if (created.IsInvalidArgument()) {
    return call.Fail({400, "InvalidBucketName", "The specified bucket is not valid."});
  }
  if (!created.ok()) return call.Fail(StorageError(created));
  HttpResponse response = call.Ok();
  response.SetHeader("Location", "/" + call.bucket);
  return response;
}

HttpResponse DeleteBucket(S3Call& call) {
  Status deleted = call.services.buckets->Delete(call.bucket);
  if (deleted.IsNotFound()) return call.Fail(S3Error::NoSuchBucket());
  if (deleted.IsAborted()) {
    return call.Fail({409, "BucketNotEmpty", "The bucket you tried to delete is not empty"});
  }
  if (deleted.IsPermissionDenied()) {
    return call.Fail(
        S3Error::AccessDenied("the inventory bucket feeds the pipeline and cannot be deleted"));
  }
  if (!deleted.ok()) return call.Fail(StorageError(deleted));
  HttpResponse response = call.Ok();
  response.status = 204;
  return response;
}

HttpResponse HeadBucket(S3Call& call) {
  std::variant<DirBucket*, S3Error> bucket = FindBucket(call);
  if (auto* error = std::get_if<S3Error>(&bucket)) return call.Fail(*error);
  HttpResponse response = call.Ok();
  response.SetHeader("x-amz-bucket-region", call.options.region);
  response.head_content_length = 0;
  return response;
}

HttpResponse GetBucketLocation(S3Call& call) {
  std::variant<DirBucket*, S3Error> bucket = FindBucket(call);
  if (auto* error = std::get_if<S3Error>(&bucket)) return call.Fail(*error);
  XmlWriter xml;
  xml.Open("LocationConstraint", true);
  // us-east-1 is reported as an empty constraint, as S3 does.
  if (call.options.region != "us-east-1") xml.Text(call.options.region);
  xml.Close("LocationConstraint");
  return call.Xml(xml.Finish());
}

HttpResponse GetBucketVersioning(S3Call& call) {
  std::variant<DirBucket*, S3Error> bucket = FindBucket(call);
  if (auto* error = std::get_if<S3Error>(&bucket)) return call.Fail(*error);
  XmlWriter xml;
  xml.Open("VersioningConfiguration", true);
  xml.Close("VersioningConfiguration");
  return call.Xml(xml.Finish());
}

}  // namespace invtrack
