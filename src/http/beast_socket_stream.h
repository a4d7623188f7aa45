// BeastSocketStream: adapts SocketStream to Beast's SyncReadStream and
// SyncWriteStream concepts, so Beast's parser reads through our poll-based
// timeouts. Internal: include only from .cc files (it pulls in Asio).
// Thread-safety: as SocketStream.
#ifndef INVTRACK_HTTP_BEAST_SOCKET_STREAM_H_
#define INVTRACK_HTTP_BEAST_SOCKET_STREAM_H_

// Beast settings must come before every Boost header.
// clang-format off
#include "http/beast_config.h"
// clang-format on

#include <cstddef>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>
#include <sys/uio.h>

#include "http/socket_stream.h"

namespace invtrack {

// Maps a SocketStream outcome to the error codes Beast expects: a read of 0
// bytes is asio's eof, which Beast turns into end_of_stream/partial_message.
inline boost::system::error_code ToErrorCode(const IoResult& result, bool is_read) {
  if (result.error != 0) return {result.error, boost::system::system_category()};
  if (is_read && result.bytes == 0) return boost::asio::error::eof;
  return {};
}

class BeastSocketStream {
 public:
  explicit BeastSocketStream(SocketStream& stream) : stream_(stream) {}

  template <class MutableBufferSequence>
  size_t read_some(const MutableBufferSequence& buffers, boost::system::error_code& ec) {
    // Beast hands over one buffer (a flat_buffer's free space); fill the
    // first non-empty one, as a socket's read_some would.
    auto end = boost::asio::buffer_sequence_end(buffers);
    for (auto it = boost::asio::buffer_sequence_begin(buffers); it != end; ++it) {
      boost::asio::mutable_buffer buffer(*it);
      if (buffer.size() == 0) continue;
      IoResult result = stream_.ReadSome(static_cast<char*>(buffer.data()), buffer.size());
      ec = ToErrorCode(result, /*is_read=*/true);
      return result.bytes;
    }
    ec = {};
    return 0;
  }

  template <class MutableBufferSequence>
  size_t read_some(const MutableBufferSequence& buffers) {
    boost::system::error_code ec;
    size_t n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

  template <class ConstBufferSequence>
  size_t write_some(const ConstBufferSequence& buffers, boost::system::error_code& ec) {
    constexpr size_t kMaxBuffers = 16;
    iovec iov[kMaxBuffers];
    size_t count = 0;
    auto end = boost::asio::buffer_sequence_end(buffers);
    for (auto it = boost::asio::buffer_sequence_begin(buffers); it != end && count < kMaxBuffers;
         ++it) {
      boost::asio::const_buffer buffer(*it);
      if (buffer.size() == 0) continue;
      iov[count++] = {const_cast<void*>(buffer.data()), buffer.size()};
    }
    if (count == 0) {
      ec = {};
      return 0;
    }
    IoResult result = stream_.WriteSome(iov, count);
    ec = ToErrorCode(result, /*is_read=*/false);
    return result.bytes;
  }

  template <class ConstBufferSequence>
  size_t write_some(const ConstBufferSequence& buffers) {
    boost::system::error_code ec;
    size_t n = write_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

 private:
  SocketStream& stream_;
};

}  // namespace invtrack

#endif  // INVTRACK_HTTP_BEAST_SOCKET_STREAM_H_
