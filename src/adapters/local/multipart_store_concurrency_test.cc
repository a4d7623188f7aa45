// MultipartStore under concurrency: parts racing each other, Complete
// racing Abort and PutPart, and two instances on one root.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "adapters/local/multipart_store.h"
#include "adapters/local/multipart_test_util.h"
#include "test_util.h"

namespace invtrack {
namespace {

using testing::ExpectedMultipartEtag;
using testing::ExpectMultipartError;
using testing::Get;
using testing::Md5Hex;
using testing::MultipartTest;
using testing::Pattern;

using MultipartConcurrencyTest = MultipartTest;

TEST_F(MultipartConcurrencyTest, TwoPutPartsOfOneNumberLeaveOneWholePart) {
  const std::string a = Pattern(3 << 20, 1);
  const std::string b = Pattern(2 << 20, 2);
  for (int round = 0; round < 10; ++round) {
    ASSERT_OK(bucket_->Delete("big.csv"));
    std::string id = NewUpload();
    std::thread first([&] { EXPECT_OK(Part(id, 1, a)); });
    std::thread second([&] { EXPECT_OK(Part(id, 1, b)); });
    first.join();
    second.join();
    Result<std::vector<UploadedPart>> parts = store_->ListParts(id, 0, 10);
    ASSERT_OK(parts);
    ASSERT_EQ(parts->size(), 1u);
    const std::string& winner = (*parts)[0].etag == Md5Hex(a) ? a : b;
    EXPECT_EQ((*parts)[0].etag, Md5Hex(winner));
    EXPECT_EQ((*parts)[0].size, winner.size());
    EXPECT_EQ(DataFiles(), 1);  // the loser's file is gone
    ASSERT_OK(store_->Complete(id, {{1, Md5Hex(winner)}}));
    EXPECT_EQ(Get(*bucket_, "big.csv").value(), winner);
    EXPECT_EQ(DataFiles(), 1);
    EXPECT_EQ(TmpFiles(), 0);
  }
}

TEST_F(MultipartConcurrencyTest, CompleteRacingAbortHasExactlyOneWinner) {
  const std::string big = Pattern(6 << 20, 3);
  int completed = 0;
  int aborted = 0;
  for (int round = 0; round < 20; ++round) {
    ASSERT_OK(bucket_->Delete("big.csv"));
    std::string id = NewUpload();
    ASSERT_OK(Part(id, 1, big));
    ASSERT_OK(Part(id, 2, "end"));
    Result<StoredObject> done = Status::Internal("not run");
    Status abort;
    std::thread completer([&] {
      done = store_->Complete(id, {{1, Md5Hex(big)}, {2, Md5Hex("end")}});
    });
    // Staggered, so that both sides win some rounds.
    std::thread aborter([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(round * 20));
      abort = store_->Abort(id);
    });
    completer.join();
    aborter.join();
    ASSERT_NE(done.ok(), abort.ok()) << done.status().ToString() << " / " << abort.ToString();
    if (done.ok()) {
      ++completed;
      ExpectMultipartError(abort, MultipartError::kNoSuchUpload);
      EXPECT_EQ(Get(*bucket_, "big.csv").value(), big + "end");
      EXPECT_EQ(DataFiles(), 1);
    } else {
      ++aborted;
      // Lost before reading the parts (NoSuchUpload), after (the files
      // vanished: Unavailable), or at the commit (NoSuchUpload).
      EXPECT_TRUE(done.status().IsNotFound() || done.status().IsUnavailable())
          << done.status().ToString();
      EXPECT_TRUE(bucket_->Head("big.csv").status().IsNotFound());
      EXPECT_EQ(DataFiles(), 0);
    }
    EXPECT_EQ(TmpFiles(), 0);
    EXPECT_TRUE(store_->ListUploads("", "", "", 10).value().empty());
  }
  std::printf("Complete won %d times, Abort %d times\n", completed, aborted);
}

TEST_F(MultipartConcurrencyTest, PartReplacedDuringCompleteNeverMixesVersions) {
  const std::string first = Pattern(6 << 20, 4);
  const std::string second = Pattern(6 << 20, 5);
  for (int round = 0; round < 10; ++round) {
    std::string id = NewUpload();
    ASSERT_OK(Part(id, 1, first));
    ASSERT_OK(Part(id, 2, "end"));
    Result<StoredObject> done = Status::Internal("not run");
    std::thread completer([&] {
      done = store_->Complete(id, {{1, Md5Hex(first)}, {2, Md5Hex("end")}});
    });
    std::thread uploader([&] {
      Result<UploadedPart> part = Part(id, 1, second);
      // After a Complete the upload is gone.
      if (!part.ok()) ExpectMultipartError(part, MultipartError::kNoSuchUpload);
    });
    completer.join();
    uploader.join();
    if (done.ok()) {
      EXPECT_EQ(done->info.etag, ExpectedMultipartEtag({first, "end"}));
      EXPECT_EQ(Get(*bucket_, "big.csv").value(), first + "end");
      EXPECT_EQ(DataFiles(), 1);
    } else {
      // The new part landed before Complete read the parts (InvalidPart: its
      // ETag changed) or while it was copying them (Unavailable).
      EXPECT_TRUE(done.status().IsUnavailable() ||
                  MultipartErrorOf(done.status()) == MultipartError::kInvalidPart)
          << done.status().ToString();
      ASSERT_OK(store_->Abort(id));
    }
    EXPECT_EQ(TmpFiles(), 0);
  }
}

TEST_F(MultipartConcurrencyTest, TwoInstancesOnOneRootShareUploads) {
  Result<std::unique_ptr<DirBucket>> other = DirBucket::OpenDir(root(), "inventory");
  ASSERT_OK(other);
  MultipartStore other_store(other->get());
  std::string id = NewUpload();
  StringByteSource body("from the other instance");
  ASSERT_OK(other_store.PutPart(id, 1, &body, std::nullopt, std::nullopt));
  ASSERT_OK(store_->Complete(id, {{1, Md5Hex("from the other instance")}}));
  EXPECT_EQ(Get(**other, "big.csv").value(), "from the other instance");
}

TEST_F(MultipartConcurrencyTest, ManyUploadsInParallel) {
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::string key = "k" + std::to_string(t);
      Result<MultipartUpload> upload = store_->Create(key, {}, "tester");
      if (!upload.ok()) return void(++failures);
      std::vector<CompletedPartRef> refs;
      std::string whole;
      for (int number = 1; number <= 5; ++number) {
        std::string body = Pattern(1000 + number, static_cast<unsigned>(t * 10 + number));
        StringByteSource source(body);
        if (!store_->PutPart(upload->upload_id, number, &source, std::nullopt, std::nullopt).ok()) {
          return void(++failures);
        }
        refs.push_back({number, Md5Hex(body)});
        whole += body;
      }
      if (!store_->Complete(upload->upload_id, refs, {}, 1000).ok()) return void(++failures);
      Result<std::string> read = Get(*bucket_, key);
      if (!read.ok() || *read != whole) ++failures;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(DataFiles(), kThreads);
}

}  // namespace
}  // namespace invtrack
