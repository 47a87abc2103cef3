#pragma once
// copas::core: the dispatcher, fibers, and the suspension point everything else waits on.
#include <copas/core/deadline_scope.hpp>
#include <copas/core/debug.hpp>
#include <copas/core/dispatcher.hpp>
#include <copas/core/error.hpp>
#include <copas/core/errors.hpp>
#include <copas/core/loop.hpp>
#include <copas/core/pause.hpp>
#include <copas/core/socket_ref.hpp>
#include <copas/core/spin_wait.hpp>
#include <copas/core/status.hpp>
#include <copas/core/task_group.hpp>
#include <copas/core/thread.hpp>
#include <copas/core/time.hpp>
#include <copas/core/timeout.hpp>
#include <copas/core/wait.hpp>
#include <copas/core/version.hpp>
