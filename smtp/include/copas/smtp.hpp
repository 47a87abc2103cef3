#pragma once
// copas::smtp: LuaSocket's SMTP client (smtp.send, smtp.message) on fiber sockets, with
// STARTTLS, SMTPS, AUTH PLAIN/LOGIN, SMTPUTF8 and 8BITMIME; and the command/reply transport
// (copas::tp) it speaks through.
#include <copas/net/tp.hpp>
#include <copas/smtp/message.hpp>
#include <copas/smtp/send.hpp>
