// Linked into the WSCONFORM_STATIC_DEPS binary only (root CMakeLists.txt), with
// -Wl,--wrap=arc4random: libstdc++.a of GCC 12 built on glibc 2.36 (Debian 12) draws
// std::random_device from arc4random, which glibc has only since 2.36, so the release tarball's
// binary would not start on glibc 2.35 (Ubuntu 22.04). This one reads the kernel's generator
// with getrandom (glibc 2.25), as glibc's own arc4random does.
#include <errno.h>
#include <stdint.h>
#include <sys/random.h>

uint32_t __wrap_arc4random(void);

uint32_t __wrap_arc4random(void) {
    uint32_t value = 0;
    while (getrandom(&value, sizeof value, 0) != (ssize_t)sizeof value && errno == EINTR) {
    }
    return value;
}
