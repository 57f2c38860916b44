#ifndef OSSBATCH_CLOCALFILES_H
#define OSSBATCH_CLOCALFILES_H

#include <stdint.h>

/// The file system of `path` (`statfs`, following symbolic links): its type (`f_type`) and id (`f_fsid`'s two
/// words, the first high, as GNU `stat -f` prints `%i`). Swift's Glibc module leaves `sys/statfs.h` out.
/// Returns 0, or -1 with errno.
int clocalfiles_statfs(const char *path, uint64_t *type, uint64_t *id);

/// The same for an open descriptor (`fstatfs`).
int clocalfiles_fstatfs(int fd, uint64_t *type, uint64_t *id);

#endif
