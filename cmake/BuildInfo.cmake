# `wsconform --version`: the version (project()) and the git commit, written at configure time
# and refreshed at every build by cmake/build_info.cmake into generated/build_info.cpp, which
# becomes part of wsconform_cli. Included from the root CMakeLists.txt after cli/.
set(_build_info_dir ${PROJECT_BINARY_DIR}/generated)
set(_build_info_cpp ${_build_info_dir}/build_info.cpp)
set(_build_info_args -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
                     -DTEMPLATE=${PROJECT_SOURCE_DIR}/cmake/build_info.cpp.in
                     -DOUTPUT=${_build_info_cpp})
configure_file(${PROJECT_SOURCE_DIR}/cmake/wsconform_build_info.h
               ${_build_info_dir}/wsconform_build_info.h COPYONLY)
execute_process(COMMAND ${CMAKE_COMMAND} ${_build_info_args}
                        -P ${PROJECT_SOURCE_DIR}/cmake/build_info.cmake)
add_custom_target(wsconform_build_info
                  COMMAND ${CMAKE_COMMAND} ${_build_info_args}
                          -P ${PROJECT_SOURCE_DIR}/cmake/build_info.cmake
                  BYPRODUCTS ${_build_info_cpp}
                  COMMENT "Reading the git commit for --version"
                  VERBATIM)
target_sources(wsconform_cli PRIVATE ${_build_info_cpp})
target_include_directories(wsconform_cli PRIVATE ${_build_info_dir})
add_dependencies(wsconform_cli wsconform_build_info)
