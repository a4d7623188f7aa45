// Who may do what: an admin key anything; a store key only objects under
// `stores/<store>/` of the pipeline's bucket (and listing with such a
// prefix, and looking at that bucket). That a store's files contain only
// its own rows is enforced by the loader (a key under stores/<S>/ binds
// every row to S).
// Thread-safety: pure functions.
#ifndef INVTRACK_S3_ACCESS_POLICY_H_
#define INVTRACK_S3_ACCESS_POLICY_H_

#include <string>
#include <string_view>

#include "s3/access_key_store.h"

namespace invtrack {

// "stores/Berlin/" for a key bound to Berlin; empty for an admin key.
std::string StorePrefix(const AccessKey& key);

bool MayAccessObject(const AccessKey& caller, std::string_view pipeline_bucket,
                     std::string_view bucket, std::string_view key);
bool MayListPrefix(const AccessKey& caller, std::string_view pipeline_bucket,
                   std::string_view bucket, std::string_view prefix);
// HeadBucket, GetBucketLocation and the like.
bool MayInspectBucket(const AccessKey& caller, std::string_view pipeline_bucket,
                      std::string_view bucket);

}  // namespace invtrack

#endif  // INVTRACK_S3_ACCESS_POLICY_H_
