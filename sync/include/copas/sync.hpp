#pragma once
// copas::sync: lock, semaphore, queue and timer between the fibers of one dispatcher, with
// Copas's semantics (FIFO hand-off, timeouts, destroy, re-entrancy). Link copas::sync.
#include <copas/sync/affinity.hpp>
#include <copas/sync/lock.hpp>
#include <copas/sync/queue.hpp>
#include <copas/sync/semaphore.hpp>
#include <copas/sync/timer.hpp>
