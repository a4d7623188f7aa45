#include "s3/s3_error.h"

#include "s3/xml_writer.h"

namespace invtrack {

HttpResponse ErrorResponse(const S3Error& error, std::string_view resource,
                           std::string_view request_id, bool head_request) {
  HttpResponse response;
  response.status = error.http_status;
  response.SetHeader("x-amz-request-id", std::string(request_id));
  if (head_request) {
    response.head_content_length = 0;
    return response;
  }
  XmlWriter xml;
  xml.Open("Error");
  xml.Element("Code", error.code);
  xml.Element("Message", error.message);
  xml.Element("Resource", resource);
  xml.Element("RequestId", request_id);
  xml.Close("Error");
  response.SetHeader("Content-Type", "application/xml");
  response.body = xml.Finish();
  return response;
}

}  // namespace invtrack
