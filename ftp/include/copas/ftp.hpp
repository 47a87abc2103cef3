#pragma once
// copas::ftp: LuaSocket's FTP client (get, put, command) over fiber sockets, the low-level
// session it is built on, and fetch(), the ftp:// half of copas-fetch.
#include <copas/ftp/client.hpp>
#include <copas/ftp/errors.hpp>
#include <copas/ftp/request.hpp>
#include <copas/ftp/session.hpp>
