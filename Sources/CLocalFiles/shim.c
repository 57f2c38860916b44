// sync_file_range is a GNU extension of fcntl.h: defined before any header.
#define _GNU_SOURCE
// sys/statfs.h is left out of Swift's Glibc module, so statfs is reached from C (as swift-nio's CNIOLinux does).
#include <sys/statfs.h>
// openat2 has no C library wrapper: it is reached through syscall(2), with the kernel's own struct.
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#endif

#include "CLocalFiles.h"

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

int clocalfiles_open_without_symlinks(const char *path, int flags) {
#if defined(SYS_openat2) && defined(RESOLVE_NO_SYMLINKS)
    struct open_how how = {.flags = (uint64_t)flags, .mode = 0, .resolve = RESOLVE_NO_SYMLINKS};
    return (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
#else
    (void)path;
    (void)flags;
    errno = ENOSYS;
    return -1;
#endif
}

int clocalfiles_open_path(const char *path) {
    return open(path, O_PATH | O_CLOEXEC);
}

int clocalfiles_start_writeback(int fd) {
    return sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE);
}
