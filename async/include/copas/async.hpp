#pragma once
// copas::async: copas-async for C++. Blocking work runs on worker threads; fibers wait on its
// future without blocking the dispatcher. Also copas::future (Copas's copas.future), whose tasks
// are fibers and whose futures are the same.
#include <copas/async/addthread.hpp>
#include <copas/async/errors.hpp>
#include <copas/async/execute.hpp>
#include <copas/async/fiber_future.hpp>
#include <copas/async/future.hpp>
#include <copas/async/pool.hpp>
#include <copas/async/popen.hpp>
#include <copas/async/state.hpp>
#include <copas/async/this_task.hpp>
