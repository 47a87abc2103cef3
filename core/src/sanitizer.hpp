#pragma once
// Stack-switch annotations for ASan and TSan.
//
// Boost.Fiber switches stacks inside libboost_fiber, which Debian builds without BOOST_USE_ASAN
// or BOOST_USE_TSAN, so its switches are invisible to the sanitizers: ASan then mis-handles
// exceptions thrown on fiber stacks (false reports), TSan mixes up the histories of all fibers.
// Every switch passes through our scheduling algorithm's pick_next() right before it happens,
// and the first code of ours that runs on the new stack calls finish_switch(); that is enough to
// announce each switch to the sanitizer ourselves (reactor_algorithm::start_switch/finish_switch).

#if defined(COPAS_ASAN)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(COPAS_TSAN)
#include <sanitizer/tsan_interface.h>
#endif
