#include "s3/access_policy.h"

namespace invtrack {

std::string StorePrefix(const AccessKey& key) {
  return key.admin() ? std::string() : "stores/" + *key.store + "/";
}

bool MayAccessObject(const AccessKey& caller, std::string_view pipeline_bucket,
                     std::string_view bucket, std::string_view key) {
  if (caller.admin()) return true;
  return bucket == pipeline_bucket && key.starts_with(StorePrefix(caller));
}

bool MayListPrefix(const AccessKey& caller, std::string_view pipeline_bucket,
                   std::string_view bucket, std::string_view prefix) {
  return MayAccessObject(caller, pipeline_bucket, bucket, prefix);
}

bool MayInspectBucket(const AccessKey& caller, std::string_view pipeline_bucket,
                      std::string_view bucket) {
  return caller.admin() || bucket == pipeline_bucket;
}

}  // namespace invtrack
