# The shared codecs of copas::net (url, mime, ltn12), included by net/CMakeLists.txt.
list(APPEND COPAS_NET_SOURCES
  ${CMAKE_CURRENT_SOURCE_DIR}/src/url.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/url_dot_segments.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/mime.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/mime_filters.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/ltn12_filter.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/ltn12_source.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/ltn12_sink.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/ltn12_pump.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/header_names.cpp)
