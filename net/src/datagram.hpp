#pragma once
// UDP halves of send / receive (datagram.cpp).

#include "socket_impl.hpp"

namespace copas::detail {

send_result udp_send(socket_impl& s, std::string_view data);
receive_result udp_receive(socket_impl& s, const receive_pattern& p);

}  // namespace copas::detail
