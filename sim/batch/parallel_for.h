// Runs independent tasks on worker threads, outside any simulation: each task is one whole
// single-threaded simulation (a seed, a shrink candidate), so threads never reach a world's
// behaviour. Callers store results by task index and merge in index order, which makes their
// output identical for any number of jobs.
#pragma once

#include <functional>

namespace backbeat::sim::batch {

// Runs task(0) .. task(count - 1), each exactly once, on min(jobs, count) threads (the calling
// thread is one of them), unless `stop` (polled before each task, may be empty) returns true, in
// which case tasks not yet started are skipped. Returns when every started task has returned.
void parallel_for(int count, int jobs, const std::function<void(int)>& task,
                  const std::function<bool()>& stop = {});

}  // namespace backbeat::sim::batch
