#include "adapters/aws/s3_object_reader.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <string>
#include <thread>

namespace invtrack {

namespace {

constexpr size_t kBufferBytes = 1 << 20;

std::string Unquoted(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return std::string(etag);
}

// A bounded byte queue between curl's write callback (producer thread) and
// the CSV reader (consumer).
class S3ObjectStream final : public ObjectStream {
 public:
  S3ObjectStream(S3ObjectReader* owner, std::unique_ptr<S3Client> client, std::string bucket,
                 std::string key, ObjectInfo info)
      : owner_(owner),
        client_(std::move(client)),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        info_(std::move(info)),
        sink_(this) {
    producer_ = std::thread([this] { Produce(); });
  }

  ~S3ObjectStream() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      cancelled_ = true;
    }
    changed_.notify_all();
    producer_.join();
    owner_->Return(std::move(client_));
  }

  const ObjectInfo& info() const override { return info_; }

  Result<size_t> Read(char* buffer, size_t capacity) override {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return offset_ < buffer_.size() || done_; });
    if (offset_ < buffer_.size()) {
      size_t n = std::min(capacity, buffer_.size() - offset_);
      std::memcpy(buffer, buffer_.data() + offset_, n);
      offset_ += n;
      consumed_any_ = true;
      if (offset_ == buffer_.size()) {
        buffer_.clear();
        offset_ = 0;
      }
      changed_.notify_all();
      return n;
    }
    if (!outcome_.ok()) return outcome_;
    return size_t{0};
  }

 private:
  class QueueSink final : public ResponseSink {
   public:
    explicit QueueSink(S3ObjectStream* stream) : stream_(stream) {}
    Status Write(std::string_view bytes) override { return stream_->Push(bytes); }
    bool Restart() override { return stream_->RestartFromScratch(); }

   private:
    S3ObjectStream* stream_;
  };

  Status Push(std::string_view bytes) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return buffer_.size() - offset_ < kBufferBytes || cancelled_; });
    if (cancelled_) return Status::Aborted("the reader stopped reading");
    if (offset_ > 0) {
      buffer_.erase(0, offset_);
      offset_ = 0;
    }
    buffer_.append(bytes);
    changed_.notify_all();
    return Status::OK();
  }

  // A GET that broke off can start again only if the reader has seen none
  // of its bytes yet.
  bool RestartFromScratch() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (consumed_any_) return false;
    buffer_.clear();
    offset_ = 0;
    return true;
  }

  void Produce() {
    Result<S3ObjectMetadata> got = client_->GetObject(bucket_, key_, &sink_);
    Status outcome = got.status();
    if (got.ok() && Unquoted(got->etag) != info_.etag) {
      outcome = Status::Unavailable("s3://" + bucket_ + "/" + key_ +
                                    " changed while it was being read (ETag " + info_.etag +
                                    " became " + Unquoted(got->etag) + ")");
    }
    std::lock_guard<std::mutex> lock(mutex_);
    outcome_ = outcome;
    done_ = true;
    changed_.notify_all();
  }

  S3ObjectReader* owner_;
  std::unique_ptr<S3Client> client_;
  std::string bucket_;
  std::string key_;
  ObjectInfo info_;
  QueueSink sink_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::string buffer_;  // guarded by mutex_, as are the fields below
  size_t offset_ = 0;
  bool consumed_any_ = false;
  bool cancelled_ = false;
  bool done_ = false;
  Status outcome_;
  std::thread producer_;  // started last: it uses every field above
};

}  // namespace

Result<std::unique_ptr<S3ObjectReader>> S3ObjectReader::Create(AwsClientOptions options) {
  std::unique_ptr<S3ObjectReader> reader(new S3ObjectReader(options));
  Result<std::unique_ptr<S3Client>> first = S3Client::Create(std::move(options));
  if (!first.ok()) return first.status();
  reader->idle_.push_back(std::move(first).value());
  return reader;
}

Result<std::unique_ptr<S3Client>> S3ObjectReader::Borrow() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<S3Client> client = std::move(idle_.back());
      idle_.pop_back();
      return client;
    }
  }
  return S3Client::Create(options_);
}

void S3ObjectReader::Return(std::unique_ptr<S3Client> client) {
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(std::move(client));
}

Result<std::unique_ptr<ObjectStream>> S3ObjectReader::Open(std::string_view bucket,
                                                           std::string_view key) {
  Result<std::unique_ptr<S3Client>> client = Borrow();
  if (!client.ok()) return client.status();
  Result<S3ObjectMetadata> head = (*client)->HeadObject(bucket, key);
  if (!head.ok()) {
    Return(std::move(client).value());
    // A HEAD answer has no body to say why; name the likely causes.
    if (head.status().IsPermissionDenied()) {
      return Status::PermissionDenied(head.status().message(),
                                      "check the AWS credentials and that the role may "
                                      "s3:GetObject this key");
    }
    return head.status();
  }
  ObjectInfo info;
  info.etag = Unquoted(head->etag);
  info.size = head->content_length;
  return std::unique_ptr<ObjectStream>(new S3ObjectStream(
      this, std::move(client).value(), std::string(bucket), std::string(key), std::move(info)));
}

}  // namespace invtrack
