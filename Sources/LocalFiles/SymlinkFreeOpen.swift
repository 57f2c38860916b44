import CLocalFiles
import Glibc

/// Opening a file for reading only along a path without symbolic links: a tree others can write (a shared
/// machine's home directories) may have a planned file, or a directory above it, swapped for a link to a file
/// the reader may read and they may not, between the moment it was planned and the moment it is read.
public enum SymlinkFreeOpen {
    /// What an open found.
    public enum Outcome: Sendable, Equatable {
        /// The descriptor (the caller closes it).
        case opened(Int32)
        /// A component of the path is a symbolic link (nothing was opened).
        case throughSymbolicLink
        /// This kernel cannot tell (no `openat2`: Linux before 5.6, or a seccomp policy refusing it).
        case unsupported
        /// `open` failed with this errno.
        case failed(Int32)
    }

    /// Opens `path` read-only with `flags` added (`O_CLOEXEC`, `O_NONBLOCK`, …), refusing any symbolic link on
    /// its path (`openat2` with `RESOLVE_NO_SYMLINKS`).
    public static func open(_ path: String, flags: Int32) -> Outcome {
        let fd = clocalfiles_open_without_symlinks(path, O_RDONLY | flags)
        if fd >= 0 { return .opened(fd) }
        switch errno {
        case ELOOP: return .throughSymbolicLink
        case ENOSYS, EPERM: return .unsupported
        case let code: return .failed(code)
        }
    }

    /// Opens `path` read-only with `flags` added, following symbolic links, but only once what it leads to is
    /// a file `accept` takes: nothing else is opened for reading (a link to `/dev/watchdog` or a tape device,
    /// whose driver acts on an open, is never opened). `path` is first opened with `O_PATH`, its status judged,
    /// and that very file then opened through `/proc/self/fd`. `.failed(errno)` for a failed open, or
    /// `.failed(0)` when `accept` refused what it found (its status is `found`).
    public static func openCheckingFirst(
        _ path: String,
        flags: Int32,
        found: inout FileStatus?,
        accept: (FileStatus) -> Bool
    ) -> Outcome {
        let pathFD = clocalfiles_open_path(path)
        guard pathFD >= 0 else { return .failed(errno) }
        defer { close(pathFD) }
        var st = stat()
        guard fstat(pathFD, &st) == 0 else { return .failed(errno) }
        found = FileStatus(st)
        guard accept(FileStatus(st)) else { return .failed(0) }
        let fd = Glibc.open("/proc/self/fd/\(pathFD)", O_RDONLY | flags)
        return fd >= 0 ? .opened(fd) : .failed(errno)
    }
}
