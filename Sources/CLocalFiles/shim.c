// sync_file_range is declared only with _GNU_SOURCE, so it is reached from C (as swift-nio's CNIOLinux does).
#define _GNU_SOURCE
#include <fcntl.h>

#include "CLocalFiles.h"

int clocalfiles_start_writeback(int fd, int64_t offset, int64_t count) {
    return sync_file_range(fd, offset, count, SYNC_FILE_RANGE_WRITE);
}
