# Writes the git commit of the source tree into a C++ file, at configure time and again at
# every build (cmake -P; see BuildInfo.cmake), so that `wsconform --version` names the commit
# it was built from. Outside a git checkout (a source tarball) the commit is "unknown"; a tree
# with uncommitted changes to tracked files gets "-dirty". configure_file rewrites OUTPUT only
# when its text changes, so a build after no commit recompiles nothing.
#
#   cmake -DSOURCE_DIR=... -DTEMPLATE=... -DOUTPUT=... -P build_info.cmake
set(WSCONFORM_GIT_COMMIT "unknown")
find_package(Git QUIET)
if(GIT_FOUND)
  execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" rev-parse --short=12 HEAD
                  OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE failed ERROR_QUIET)
  if(NOT failed AND commit)
    set(WSCONFORM_GIT_COMMIT "${commit}")
    execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" status --porcelain
                            --untracked-files=no
                    OUTPUT_VARIABLE changes RESULT_VARIABLE failed ERROR_QUIET)
    if(NOT failed AND changes)
      string(APPEND WSCONFORM_GIT_COMMIT "-dirty")
    endif()
  endif()
endif()
configure_file("${TEMPLATE}" "${OUTPUT}" @ONLY)
