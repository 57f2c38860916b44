// sync_file_range is declared only with _GNU_SOURCE, so it is reached from C (as swift-nio's CNIOLinux does).
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/statfs.h>

#include "CLocalFiles.h"

int clocalfiles_start_writeback(int fd, int64_t offset, int64_t count) {
    return sync_file_range(fd, offset, count, SYNC_FILE_RANGE_WRITE);
}

static void clocalfiles_file_system(const struct statfs *s, uint64_t *type, uint64_t *id) {
    *type = (uint64_t)s->f_type;
    *id = (uint64_t)(uint32_t)s->f_fsid.__val[0] << 32 | (uint32_t)s->f_fsid.__val[1];
}

int clocalfiles_statfs(const char *path, uint64_t *type, uint64_t *id) {
    struct statfs s;
    if (statfs(path, &s) != 0) return -1;
    clocalfiles_file_system(&s, type, id);
    return 0;
}

int clocalfiles_fstatfs(int fd, uint64_t *type, uint64_t *id) {
    struct statfs s;
    if (fstatfs(fd, &s) != 0) return -1;
    clocalfiles_file_system(&s, type, id);
    return 0;
}
