#ifndef OSSBATCH_CLOCALFILES_H
#define OSSBATCH_CLOCALFILES_H

#include <stdint.h>

/// Starts writing `count` bytes of `fd` from `offset` to the disk without waiting: `sync_file_range` with
/// `SYNC_FILE_RANGE_WRITE`, a GNU extension that Swift's Glibc module leaves out. Returns 0, or -1 with errno.
int clocalfiles_start_writeback(int fd, int64_t offset, int64_t count);

/// The file system of `path` (`statfs`, following symbolic links): its type (`f_type`) and id (`f_fsid`'s two
/// words, the first high, as GNU `stat -f` prints `%i`). Swift's Glibc module leaves `sys/statfs.h` out.
/// Returns 0, or -1 with errno.
int clocalfiles_statfs(const char *path, uint64_t *type, uint64_t *id);

/// The same for an open descriptor (`fstatfs`).
int clocalfiles_fstatfs(int fd, uint64_t *type, uint64_t *id);

#endif
