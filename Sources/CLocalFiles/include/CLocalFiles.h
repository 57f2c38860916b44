#ifndef OSSBATCH_CLOCALFILES_H
#define OSSBATCH_CLOCALFILES_H

#include <stdint.h>

/// The file system of `path` (`statfs`, following symbolic links): its type (`f_type`) and id (`f_fsid`'s two
/// words, the first high, as GNU `stat -f` prints `%i`). Swift's Glibc module leaves `sys/statfs.h` out.
/// Returns 0, or -1 with errno.
int clocalfiles_statfs(const char *path, uint64_t *type, uint64_t *id);

/// The same for an open descriptor (`fstatfs`).
int clocalfiles_fstatfs(int fd, uint64_t *type, uint64_t *id);

/// `openat2(AT_FDCWD, path, {flags, 0, RESOLVE_NO_SYMLINKS})`: opens `path` only if none of its components is a
/// symbolic link (ELOOP if one is). Swift's Glibc module has neither `openat2` nor `struct open_how`. Returns
/// the descriptor, or -1 with errno (ENOSYS where the kernel or the C library predates it, Linux < 5.6).
int clocalfiles_open_without_symlinks(const char *path, int flags);

/// `open(path, O_PATH | O_CLOEXEC)`: a descriptor naming what `path` leads to (links followed) without opening
/// it for reading or writing, so that no device driver's `open` runs. Swift's Glibc module leaves `O_PATH` out.
/// Returns the descriptor, or -1 with errno.
int clocalfiles_open_path(const char *path);

/// `sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE)`: every page of the file dirty
/// now is on its way to the disk when it returns (its dirty bit cleared, a shared mapping of it write-protected
/// again), without waiting for the disk. Swift's Glibc module leaves `sync_file_range` out. Returns 0, or -1
/// with errno.
int clocalfiles_start_writeback(int fd);

#endif
