// A file system that stops answering, for end-to-end tests: loaded into the real `ossbatch` with LD_PRELOAD,
// it makes open(2) (or openat2, which is reached through syscall(2)) of a path that contains $HANGING_OPEN, pread(2) of a file whose path contains
// $HANGING_READ, or fstatat(2) of a name that contains $HANGING_STAT, wait for ever, as a call to a hung NFS
// mount does. fstatat(2) of a name that contains $REFUSED_STAT fails at once with errno $REFUSED_STAT_ERRNO
// (default EACCES), as a FUSE mount of another user without allow_other refuses even root, or a dead sshfs
// mount says ENOTCONN. Everything else passes through to libc.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

static int names(const char *path, const char *variable) {
    const char *part = getenv(variable);
    return part != NULL && *part != 0 && path != NULL && strstr(path, part) != NULL;
}

// Set once a test has let the file system answer again: no call waits after that.
static volatile int answering;

// With $HANGING_FIFO (a FIFO no one writes), the wait is a read(2) of it, a call about a file as a hung NFS
// read is; else a sleep. A byte written into the FIFO ends the wait, and every later one: a file system that
// answers again. With $HANGING_MARK, that file is created as the first wait begins, so that a test knows.
static void hang(void) {
    if (answering) return;
    const char *mark = getenv("HANGING_MARK");
    if (mark != NULL) close(open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
    const char *fifo = getenv("HANGING_FIFO");
    int fd = fifo != NULL ? open(fifo, O_RDWR | O_CLOEXEC) : -1;
    char byte;
    while (!answering) {
        if (fd >= 0 && read(fd, &byte, 1) == 1) {
            answering = 1;
        } else if (!answering) {
            sleep(1);
        }
    }
    if (fd >= 0) close(fd);
}

static int fd_names(int fd, const char *variable) {
    if (getenv(variable) == NULL || fd <= 2) return 0;
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0) return 0;
    path[n] = 0;
    return names(path, variable);
}

typedef int (*open_fn)(const char *, int, ...);
typedef int (*openat_fn)(int, const char *, int, ...);
typedef ssize_t (*pread_fn)(int, void *, size_t, off_t);

static mode_t mode_of(int flags, va_list ap) {
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

#define OPEN(name)                                                              \
    int name(const char *path, int flags, ...) {                                \
        static open_fn real;                                                    \
        if (real == NULL) real = (open_fn)dlsym(RTLD_NEXT, #name);              \
        va_list ap;                                                             \
        va_start(ap, flags);                                                    \
        mode_t mode = mode_of(flags, ap);                                       \
        va_end(ap);                                                             \
        if (names(path, "HANGING_OPEN")) hang();                                \
        return real(path, flags, mode);                                         \
    }
OPEN(open)
OPEN(open64)

#define OPENAT(name)                                                            \
    int name(int dir, const char *path, int flags, ...) {                       \
        static openat_fn real;                                                  \
        if (real == NULL) real = (openat_fn)dlsym(RTLD_NEXT, #name);            \
        va_list ap;                                                             \
        va_start(ap, flags);                                                    \
        mode_t mode = mode_of(flags, ap);                                       \
        va_end(ap);                                                             \
        if (names(path, "HANGING_OPEN")) hang();                                \
        return real(dir, path, flags, mode);                                    \
    }
OPENAT(openat)
OPENAT(openat64)

#define PREAD(name)                                                             \
    ssize_t name(int fd, void *buffer, size_t count, off_t offset) {            \
        static pread_fn real;                                                   \
        if (real == NULL) real = (pread_fn)dlsym(RTLD_NEXT, #name);             \
        if (fd_names(fd, "HANGING_READ")) hang();                               \
        return real(fd, buffer, count, offset);                                 \
    }
PREAD(pread)
PREAD(pread64)

typedef int (*fstatat_fn)(int, const char *, struct stat *, int);
typedef int (*fstatat64_fn)(int, const char *, struct stat64 *, int);

// Whether a stat of `path` is refused: errno set as $REFUSED_STAT_ERRNO says.
static int refused(const char *path) {
    if (!names(path, "REFUSED_STAT")) return 0;
    const char *number = getenv("REFUSED_STAT_ERRNO");
    errno = number != NULL && atoi(number) > 0 ? atoi(number) : EACCES;
    return 1;
}

int fstatat(int dir, const char *path, struct stat *status, int flags) {
    static fstatat_fn real;
    if (real == NULL) real = (fstatat_fn)dlsym(RTLD_NEXT, "fstatat");
    if (names(path, "HANGING_STAT")) hang();
    if (refused(path)) return -1;
    return real(dir, path, status, flags);
}

int fstatat64(int dir, const char *path, struct stat64 *status, int flags) {
    static fstatat64_fn real;
    if (real == NULL) real = (fstatat64_fn)dlsym(RTLD_NEXT, "fstatat64");
    if (names(path, "HANGING_STAT")) hang();
    if (refused(path)) return -1;
    return real(dir, path, status, flags);
}

// openat2 has no C library wrapper: ossbatch calls syscall(SYS_openat2, dirfd, path, how, size). Every
// argument is a register-sized word on the platforms CI runs (x86_64, aarch64), so six are passed on.
typedef long (*syscall_fn)(long, ...);

long syscall(long number, ...) {
    static syscall_fn real;
    if (real == NULL) real = (syscall_fn)dlsym(RTLD_NEXT, "syscall");
    va_list ap;
    va_start(ap, number);
    long a[6];
    for (int i = 0; i < 6; i++) a[i] = va_arg(ap, long);
    va_end(ap);
#ifdef SYS_openat2
    if (number == SYS_openat2 && names((const char *)a[1], "HANGING_OPEN")) hang();
#endif
    return real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
