#pragma once
// The job the calling worker thread is running (null outside tasks), for this_task helpers.

#include <copas/async/detail/job.hpp>

namespace copas::async::detail {
extern thread_local job* current_job;
// Set on a worker whose task is being unwound by a forced stop (pthread_cancel).
extern thread_local bool forced_unwind;
}  // namespace copas::async::detail
