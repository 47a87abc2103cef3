#pragma once
// The worker threads behind copas::async: one pool per process, shared by every dispatcher.
//
// The pool starts empty, creates a worker only when a task is queued and no worker is idle, never
// holds more than max_workers running workers, and lets a worker exit after idle_timeout seconds
// without work. A burst of 10,000 tasks therefore runs on at most max_workers threads; the rest
// wait in the queue (FIFO). Finished tasks go back to their dispatcher in batches: one
// dispatcher::remote::post (the core's cross-thread wake-up) per batch, never by polling.
//
// Worker threads are created by one launcher thread of the pool's (started with the first task,
// kept for the process's life), never on a dispatcher's thread: thread creation is slow and
// unbounded, and the loop must not wait for it.
//
// Workers block every asynchronous signal (SIGINT, SIGTERM, SIGCHLD, ...) so that process signals
// are delivered to the application's own threads; child processes start with a clean mask.

#include <cstddef>

#include <copas/core/api_prefix.hpp>

namespace copas::async {

struct pool_options {
  // Upper bound of workers running at once (at least 1). Lowering it lets surplus workers finish
  // their current task and exit.
  std::size_t max_workers = 64;
  // Seconds an idle worker waits for work before it exits (forever = never).
  double idle_timeout = 10;
  // Opt-in: microseconds a worker that ran out of work keeps looking for the next task on the CPU
  // before it sleeps. A sleeping thread's wake-up costs tens of microseconds (more on a VM), so a
  // fiber that submits tasks one after another finds its worker still awake; but the spinning
  // workers take the cores the submitting dispatcher needs (on 2 cores a burst of 100,000 tasks
  // ran at 0.7x the throughput it has without). bench_async_roundtrip prints both.
  // 0 = sleep at once.
  unsigned spin_us = 0;
};

// Replaces the pool's options; takes effect for the next scheduling decision.
void configure(const pool_options& options);
pool_options options();

struct pool_stats {
  std::size_t workers = 0;          // worker threads owned by the pool (idle + busy)
  std::size_t idle = 0;             // of which waiting for work
  std::size_t queued = 0;           // tasks waiting for a worker
  std::size_t peak_workers = 0;     // highest `workers` ever seen
  std::size_t created = 0;          // worker threads ever created
  std::size_t forced = 0;           // tasks whose worker thread was cancelled after cancel_timeout
  std::size_t children_killed = 0;  // tasks whose child process group was killed after it
  // Forced worker threads that have not finished unwinding yet. Such a thread no longer counts in
  // `workers` (it was replaced); it stays here while its task ignores the cancellation (a loop
  // with no cancellation point) and leaves once it unwinds or returns.
  std::size_t stranded = 0;
};

pool_stats stats();

}  // namespace copas::async

#include <copas/core/api_suffix.hpp>
