#include "http/http_response.h"

#include <unistd.h>

namespace invtrack {

FileHandle::~FileHandle() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace invtrack
