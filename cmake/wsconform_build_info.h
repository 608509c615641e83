// What `wsconform --version` says besides the version: the git commit the binary was built
// from ("unknown" outside a git checkout, "-dirty" after uncommitted changes). Defined in a file
// cmake/build_info.cmake writes at every build, so that only that file is compiled again when
// the commit changes. Copied into the build folder (generated/), hence no folder in its name.
#pragma once

namespace wsconform::build_info {

extern const char* const kGitCommit;

}  // namespace wsconform::build_info
