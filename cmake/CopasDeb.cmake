# Debian packages (cpack -G DEB, from a BUILD_SHARED_LIBS=ON build; scripts/test.sh's `shared`
# stage builds and installs them):
#   libcopas-cpp      the shared libraries (libcopas_*.so.SOVERSION); dependencies from
#                     dpkg-shlibdeps
#   libcopas-cpp-dev  headers, .so links, CMake package and pkg-config files; depends on
#                     libcopas-cpp of the same version and the -dev packages the headers include
#   copas-tools       copas-fetch, copas-proxy, copas-sendmail, copas-echo, copas-demo and their
#                     man pages
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME copas-cpp)
set(CPACK_PACKAGE_VENDOR "copas-cpp")
set(CPACK_PACKAGE_CONTACT "copas-cpp maintainers <copas-cpp@localhost>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Copas, copas-async and the LuaSocket clients in C++20")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev tools)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/lunarmodules/copas")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The tools need this build's own libraries, which dpkg-shlibdeps is told where to find; the
# dependency on them is libcopas-cpp (= version), from the component dependencies below.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS
  ${PROJECT_BINARY_DIR}/core ${PROJECT_BINARY_DIR}/net ${PROJECT_BINARY_DIR}/sync
  ${PROJECT_BINARY_DIR}/async ${PROJECT_BINARY_DIR}/http ${PROJECT_BINARY_DIR}/ftp
  ${PROJECT_BINARY_DIR}/smtp)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libcopas-cpp)
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION
  "copas-cpp shared libraries\n Fibers on a libevent reactor, sockets, TLS, DNS, sync, thread offload\n and the HTTP, FTP and SMTP clients (Copas and LuaSocket in C++20).")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libcopas-cpp-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_COMPONENT_DEV_DEPENDS runtime)
set(CPACK_COMPONENT_DEV_DESCRIPTION
  "copas-cpp development files\n Headers, CMake package (find_package(copas)) and pkg-config files.")
# What the public headers and copasConfig.cmake need (cmake/CopasDependencies.cmake).
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
  "libboost1.81-dev, libboost-fiber1.81-dev, libboost-context1.81-dev, libboost-system1.81-dev, libboost-url1.81-dev, libevent-dev (>= 2.1), libssl-dev (>= 3), pkg-config")

set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME copas-tools)
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION net)
set(CPACK_COMPONENT_TOOLS_DEPENDS runtime)
set(CPACK_COMPONENT_TOOLS_DESCRIPTION
  "copas-cpp tools: copas-fetch, copas-proxy, copas-sendmail, copas-echo\n A curl-like client, an HTTP forward proxy and TCP relay, an SMTP sender and\n an echo server, built on copas-cpp.")
include(CPack)
