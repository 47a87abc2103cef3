#pragma once
// copas::async: copas-async for C++. Blocking work runs on worker threads; fibers wait on its
// future without blocking the dispatcher.
#include <copas/async/addthread.hpp>
#include <copas/async/errors.hpp>
#include <copas/async/execute.hpp>
#include <copas/async/future.hpp>
#include <copas/async/pool.hpp>
#include <copas/async/popen.hpp>
#include <copas/async/state.hpp>
#include <copas/async/this_task.hpp>
