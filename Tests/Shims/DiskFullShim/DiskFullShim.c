// A disk that fills up, for end-to-end tests: loaded into the real `ossbatch` with LD_PRELOAD, it makes
// write(2) fail with ENOSPC on files under $DISKFULL_UNDER while the file $DISKFULL_FLAG exists (a test
// creates the flag mid-run and removes it to "free space"). Everything else passes through to libc.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_full(int fd) {
    const char *flag = getenv("DISKFULL_FLAG");
    const char *under = getenv("DISKFULL_UNDER");
    if (flag == NULL || under == NULL || fd <= 2) return 0;
    struct stat st;
    if (stat(flag, &st) != 0) return 0;
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0) return 0;
    path[n] = 0;
    return strncmp(path, under, strlen(under)) == 0;
}

// fsync(2) of a file under $DISKFULL_UNDER fails with EIO once when the file $FSYNCFAIL_FLAG exists, which is
// then removed: as the kernel reports a write-back error once per open file.
int fsync(int fd) {
    static int (*real_fsync)(int);
    if (real_fsync == NULL) real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    const char *flag = getenv("FSYNCFAIL_FLAG");
    const char *under = getenv("DISKFULL_UNDER");
    if (flag != NULL && under != NULL && fd > 2) {
        char link[64], path[4096];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, path, sizeof path - 1);
        if (n > 0) {
            path[n] = 0;
            if (strncmp(path, under, strlen(under)) == 0 && unlink(flag) == 0) {
                errno = EIO;
                return -1;
            }
        }
    }
    return real_fsync(fd);
}

ssize_t write(int fd, const void *buf, size_t count) {
    static ssize_t (*real_write)(int, const void *, size_t);
    if (real_write == NULL) real_write = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    if (is_full(fd)) {
        errno = ENOSPC;
        return -1;
    }
    return real_write(fd, buf, count);
}
