#include "adapters/local/group_commit.h"

namespace invtrack {

Status GroupCommit::Run(const Work& work) {
  Pending mine{&work, Status::OK()};
  std::unique_lock lock(mutex_);
  queue_.push_back(&mine);
  // Wait while another thread leads; it may well commit our work too.
  done_.wait(lock, [&] { return mine.done || !leader_active_; });
  if (mine.done) return mine.result;
  leader_active_ = true;
  while (!mine.done) {
    std::deque<Pending*> batch;
    while (!queue_.empty() && batch.size() < max_batch_) {
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    lock.unlock();
    CommitBatch(batch);
    lock.lock();
    ++batches_;
    for (Pending* pending : batch) pending->done = true;
    done_.notify_all();
  }
  // Lead only until our own work is done; a waiting caller takes over.
  leader_active_ = false;
  done_.notify_all();
  return mine.result;
}

void GroupCommit::CommitBatch(std::deque<Pending*>& batch) {
  Result<std::unique_ptr<SqliteTransaction>> transaction = SqliteTransaction::Begin(db_.get());
  if (!transaction.ok()) {
    for (Pending* pending : batch) pending->result = transaction.status();
    return;
  }
  bool any_ok = false;
  for (Pending* pending : batch) {
    Status status = db_->Exec("SAVEPOINT group_commit_item");
    if (status.ok()) {
      status = (*pending->work)(*db_);
      if (!status.ok()) {
        // Undo this item only; the savepoint stays open until RELEASE.
        Status undone = db_->Exec("ROLLBACK TO group_commit_item");
        if (!undone.ok()) status = undone;
      }
      Status released = db_->Exec("RELEASE group_commit_item");
      if (status.ok() && !released.ok()) status = released;
    }
    pending->result = status;
    any_ok = any_ok || status.ok();
  }
  if (!any_ok) return;  // the transaction rolls back when destroyed
  Status committed = (*transaction)->Commit();
  if (!committed.ok()) {
    for (Pending* pending : batch) {
      if (pending->result.ok()) pending->result = committed;
    }
  }
}

size_t GroupCommit::batches() const {
  std::lock_guard lock(mutex_);
  return batches_;
}

}  // namespace invtrack
