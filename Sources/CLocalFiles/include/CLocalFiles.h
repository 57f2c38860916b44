#ifndef OSSBATCH_CLOCALFILES_H
#define OSSBATCH_CLOCALFILES_H

#include <stdint.h>

/// Starts writing `count` bytes of `fd` from `offset` to the disk without waiting: `sync_file_range` with
/// `SYNC_FILE_RANGE_WRITE`, a GNU extension that Swift's Glibc module leaves out. Returns 0, or -1 with errno.
int clocalfiles_start_writeback(int fd, int64_t offset, int64_t count);

#endif
