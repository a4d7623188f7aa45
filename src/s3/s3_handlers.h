// The S3 operations, one function each, grouped in files by family as
// Garage does (bucket, object put/copy, object get/head, delete, list,
// multipart). Each runs after authentication and the access policy.
#ifndef INVTRACK_S3_S3_HANDLERS_H_
#define INVTRACK_S3_S3_HANDLERS_H_

#include "http/http_response.h"
#include "s3/s3_call.h"

namespace invtrack {

// bucket_handlers.cc
HttpResponse ListBuckets(S3Call& call);
HttpResponse CreateBucket(S3Call& call);
HttpResponse DeleteBucket(S3Call& call);
HttpResponse HeadBucket(S3Call& call);
HttpResponse GetBucketLocation(S3Call& call);
HttpResponse GetBucketVersioning(S3Call& call);

// put_object_handler.cc
HttpResponse PutObject(S3Call& call);
HttpResponse CopyObject(S3Call& call);

// get_object_handler.cc (GET and HEAD)
HttpResponse GetObject(S3Call& call);

// delete_handlers.cc
HttpResponse DeleteObject(S3Call& call);
HttpResponse DeleteObjects(S3Call& call);

// list_handlers.cc
HttpResponse ListObjects(S3Call& call);  // V1 and V2 (list-type=2)

// multipart_handlers.cc
HttpResponse CreateMultipartUpload(S3Call& call);
HttpResponse UploadPart(S3Call& call);
HttpResponse CompleteMultipartUpload(S3Call& call);
HttpResponse AbortMultipartUpload(S3Call& call);
HttpResponse ListParts(S3Call& call);
HttpResponse ListMultipartUploads(S3Call& call);

}  // namespace invtrack

#endif  // INVTRACK_S3_S3_HANDLERS_H_
