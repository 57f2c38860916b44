import Digests
import Foundation
import LocalFiles

#if canImport(Glibc)
import Glibc
#endif

/// A local source file opened for one job. Parts are sent straight from `descriptor` with `pread` by the
/// transport, so one descriptor serves concurrent parts. `identity()` re-reads size, mtime and inode through
/// the open descriptor: a file replaced or modified under us is noticed.
final class SourceFile: Sendable {
    let path: String
    let descriptor: Int32
    /// The open file's file system (`statfs`), for the stable device its identity keeps (`StableDevice`):
    /// looked up once, since the file system of an open file cannot change.
    private let fileSystem: FileSystemIdentity?

    /// The file is not there any more (deleted, or renamed away, since it was planned).
    struct Vanished: Error {
        /// The C library's message ("No such file or directory").
        var reason: String
    }

    /// Opens the file; throws `Vanished` when nothing is at `path` (any more), something that is not a
    /// regular file, or — through a symbolic link on its path — another file than `planned`; else a
    /// `SourceUnreadable` `JobError`.
    init(path: String, planned: SourceIdentity) throws {
        self.path = path
        // O_NONBLOCK: a FIFO put where the planned file was (between the plan and this job, hours apart on a
        // long batch) would block this open until a writer came, for ever, and the night with it; a regular
        // file's reads ignore the flag. What was opened is then judged by its identity, which a FIFO fails.
        let flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK
        // Whether a symbolic link led to what was opened. On a shared machine the tree is others' to change:
        // a planned file, or a directory above it, swapped for a link between the plan and this job would
        // make a backup that runs as root read (and upload) a file its owner may not read.
        var throughLink = false
        var fd: Int32
        var code: Int32 = 0
        // Through a link, what it leads to is judged before it is opened for reading: opened first, a link
        // to a device had its driver's `open` run (a watchdog arms, a tape rewinds) before being refused
        // (review of ca63f16). Only a regular file of the planned inode is opened; its file system is compared
        // below, on the open file.
        var linked: FileStatus?
        func openThroughLink() -> Int32 {
            throughLink = true
            let outcome = SymlinkFreeOpen.openCheckingFirst(path, flags: flags, found: &linked) {
                $0.kind == .regular && $0.inode == planned.inode
            }
            switch outcome {
            case .opened(let opened): return opened
            case .failed(let failure): code = failure
            case .throughSymbolicLink, .unsupported: code = ELOOP
            }
            return -1
        }
        switch SymlinkFreeOpen.open(path, flags: flags) {
        case .opened(let opened): fd = opened
        case .failed(let failure): (fd, code) = (-1, failure)
        case .throughSymbolicLink: fd = openThroughLink()
        case .unsupported:
            // Without openat2 only the last component can be checked.
            fd = open(path, flags | O_NOFOLLOW)
            if fd < 0 && errno == ELOOP { fd = openThroughLink() }
        }
        if throughLink, fd < 0, code == 0, let linked {
            // Refused unopened: another file, or no regular file at all, is at the end of the link.
            throw Vanished(
                reason: linked.kind == .regular
                    ? "a symbolic link on its path now leads to another file than the one planned"
                    : "it is \(linked.kind.description) now, not a regular file"
            )
        }
        if fd < 0 && code == 0 { code = errno }
        guard fd >= 0 else {
            let reason = String(cString: strerror(code))
            if code == ENOENT || code == ENOTDIR { throw Vanished(reason: reason) }
            throw JobError(code: "SourceUnreadable", message: "cannot open \(path): \(reason)")
        }
        // The plan chose a regular file. Anything else now at the path (a FIFO, a directory, a device) is not
        // it, and its "current version" is no object to upload: a FIFO without a writer reads as 0 bytes.
        var st = stat()
        let kind = fstat(fd, &st) == 0 ? FileStatus(st).kind : .unknown
        guard kind == .regular else {
            close(fd)
            throw Vanished(reason: "it is \(kind.description) now, not a regular file")
        }
        descriptor = fd
        fileSystem = FileSystemIdentity.of(descriptor: fd)
        // Reached through a link, only the very file planned will do (a link the plan followed, with
        // `follow_symlinks`, to the same file); a file changed in place since is still the planned one. Any
        // other is not uploaded: the next plan sees the link for what it is. (Without a link, another file
        // at the path is a new version saved over the old one, and uploaded.)
        if throughLink {
            let now = SourceIdentity(FileStatus(st), comparableTo: planned) { FileSystemIdentity.of(descriptor: fd) }
            guard now.inode == planned.inode && now.device == planned.device else {
                throw Vanished(reason: "a symbolic link on its path now leads to another file than the one planned")
            }
        }
    }

    deinit { close(descriptor) }

    /// The identity of the open file now, to compare with `planned`.
    func identity(as planned: SourceIdentity) throws(JobError) -> SourceIdentity {
        var st = stat()
        guard fstat(descriptor, &st) == 0 else {
            throw JobError(
                code: "SourceUnreadable",
                message: "cannot stat \(path): \(String(cString: strerror(errno)))"
            )
        }
        return SourceIdentity(FileStatus(st), comparableTo: planned) { fileSystem }
    }

    /// Starts the write-back of the file's dirty pages (`PageWriteback`), before its ctime is read: a program
    /// writing it through a shared memory mapping (a database, an `mmap`ed log) then moves its ctime with its
    /// next write, which the check after sending and the next night's upload index see (audit of 49872c5:
    /// a page written twice kept the ctime of the first write, the object mixed two versions, and every later
    /// night skipped the file as unchanged). Best effort: where it cannot be done, nothing is.
    func startPageWriteback() { PageWriteback.start(descriptor) }

    /// The open file's status-change time (ns). Read before the first byte is: a file written while it is
    /// sent moves it, so an index entry made with it never vouches for bytes that were not sent.
    func changeTime() throws(JobError) -> Int64 {
        var st = stat()
        guard fstat(descriptor, &st) == 0 else {
            throw JobError(
                code: "SourceUnreadable",
                message: "cannot stat \(path): \(String(cString: strerror(errno)))"
            )
        }
        return FileStatus(st).ctimeNanoseconds
    }

    /// The identity of whatever is at `path` now (catches a file replaced by rename after we opened it), to
    /// compare with `planned`.
    static func identity(atPath path: String, as planned: SourceIdentity) throws(JobError) -> SourceIdentity {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw JobError(
                code: "SourceUnreadable",
                message: "cannot stat \(path): \(String(cString: strerror(errno)))"
            )
        }
        return SourceIdentity(FileStatus(st), comparableTo: planned) { FileSystemIdentity.of(path: path) }
    }

    /// CRC-64 of `length` bytes from `offset` of the open file (with `pread`: the descriptor's offset is left
    /// alone). The open file, not its path again: the file whose identity was checked is the one measured, and
    /// a FIFO put at the path meanwhile cannot block the job.
    func crc64(offset: Int64, length: Int64) throws(JobError) -> UInt64 {
        do {
            return try FileDigest.crc64(descriptor: descriptor, offset: offset, length: length)
        } catch  where error.errno == 0 {
            throw JobError(code: "SourceChanged", message: "\(path) is shorter than planned")
        } catch {
            throw JobError(code: "SourceUnreadable", message: "cannot read \(path): \(error)")
        }
    }
}

extension SourceIdentity {
    /// What differs from `other`, for messages ("size 10 → 12, mtime changed").
    func differences(from other: SourceIdentity) -> String {
        var parts: [String] = []
        if size != other.size { parts.append("size \(other.size) → \(size)") }
        if mtimeNanoseconds != other.mtimeNanoseconds { parts.append("mtime changed") }
        if inode != other.inode || device != other.device { parts.append("inode changed (file replaced)") }
        return parts.joined(separator: ", ")
    }
}
