# `cmake --install` and CPack (scripts/package): the binary, the man page, bash and zsh
# completions, and the docs under share/doc/wsconform with the copyright and changelog a Debian
# package needs. Included from the root CMakeLists.txt after cli/.
include(GNUInstallDirs)

# Debian's zsh reads /usr/share/zsh/vendor-completions (scripts/package sets that for the .deb);
# zsh's own default for add-ons is share/zsh/site-functions.
set(WSCONFORM_ZSH_COMPLETION_DIR "${CMAKE_INSTALL_DATADIR}/zsh/site-functions"
    CACHE STRING "Where the zsh completion (_wsconform) is installed, relative to the prefix")
set(WSCONFORM_PACKAGE_MAINTAINER
    "wsconform maintainers <maintainers@users.noreply.h-seed-82ad5b08.example>"
    CACHE STRING "Maintainer of the .deb")

# Packages want directories 0755 whatever the umask of whoever builds them.
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
    GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

install(TARGETS wsconform RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The man page and the changelog are installed compressed (gzip -n: the same bytes every time),
# as Debian policy wants; man reads either.
set(_packaging_out ${PROJECT_BINARY_DIR}/packaging)
set(_compressed)
foreach(_pair "docs/man/wsconform.1|wsconform.1.gz" "packaging/changelog|changelog.gz")
  string(REPLACE "|" ";" _pair "${_pair}")
  list(GET _pair 0 _in)
  list(GET _pair 1 _out)
  add_custom_command(OUTPUT ${_packaging_out}/${_out}
                     COMMAND ${CMAKE_COMMAND} -E make_directory ${_packaging_out}
                     COMMAND sh -c "gzip -9n < \"$1\" > \"$2\"" gzip
                             ${PROJECT_SOURCE_DIR}/${_in} ${_packaging_out}/${_out}
                     DEPENDS ${PROJECT_SOURCE_DIR}/${_in}
                     VERBATIM)
  list(APPEND _compressed ${_packaging_out}/${_out})
endforeach()
add_custom_target(wsconform_packaging_files ALL DEPENDS ${_compressed})

install(FILES ${_packaging_out}/wsconform.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES completions/wsconform.bash RENAME wsconform
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES completions/_wsconform DESTINATION ${WSCONFORM_ZSH_COMPLETION_DIR})
install(FILES README.md packaging/copyright ${_packaging_out}/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs PATTERN man EXCLUDE)

# CPack: scripts/package runs `cpack -G DEB` in a normally linked build (the .deb's Depends come
# from dpkg-shlibdeps) and `cpack -G TGZ` in a WSCONFORM_STATIC_DEPS build (needs only glibc).
set(CPACK_PACKAGE_NAME wsconform)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "wsconform")
set(CPACK_PACKAGE_CONTACT "${WSCONFORM_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "WebSocket (RFC 6455, RFC 7692) conformance test suite")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
       "wsconform tests WebSocket servers and clients against RFC 6455 and\n"
       "RFC 7692 (permessage-deflate) with Autobahn|Testsuite's catalogue of\n"
       "cases and its own, over ws:// and wss://. It writes HTML, JSON and JUnit\n"
       "reports, compares runs, fails a CI job only on regressions against a\n"
       "baseline, and fuzzes live servers.")
set(CPACK_PACKAGE_FILE_NAME "wsconform-${PROJECT_VERSION}-linux-${CMAKE_SYSTEM_PROCESSOR}")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
include(CPack)
