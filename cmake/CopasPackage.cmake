# find_package(copas CONFIG REQUIRED) for outside projects: exported targets copas::core,
# copas::net, ..., copas::copas, plus a version file.
include(CMakePackageConfigHelpers)
set(COPAS_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/copas)
install(EXPORT copasTargets NAMESPACE copas:: DESTINATION ${COPAS_CMAKE_DIR} COMPONENT dev)
configure_package_config_file(cmake/copasConfig.cmake.in
  ${PROJECT_BINARY_DIR}/copasConfig.cmake INSTALL_DESTINATION ${COPAS_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/copasConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/copasConfig.cmake ${PROJECT_BINARY_DIR}/copasConfigVersion.cmake
  DESTINATION ${COPAS_CMAKE_DIR} COMPONENT dev)
