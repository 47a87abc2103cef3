# The socket half of copas::net: TCP, UDP, servers, TLS, DNS.
list(APPEND COPAS_NET_SOURCES
  ${CMAKE_CURRENT_SOURCE_DIR}/src/address.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/socket_impl.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/io_blocks.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/socket.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/stream.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/datagram.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/options.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/server.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/serve_threads.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/dns.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/tls_context.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/tls.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/debug_socket.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/tp.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/tp_reply.cpp)
