import Glibc

/// The file-system calls this process's threads are waiting in now, with the file each is about: what a run
/// that stopped moving says is stuck (a read from a hung NFS mount names its file). Read from
/// `/proc/self/task/*/syscall` (the call and its arguments of each thread blocked in one), the descriptor's
/// path from `/proc/self/fd`, a path argument from the process's own memory through `/proc/self/mem`.
public enum BlockedCalls {
    /// One thread waiting in a file-system call.
    public struct Call: Sendable, Equatable {
        /// The system call (`read`, `pread64`, `openat`, `newfstatat`, …).
        public var name: String
        /// The file it is about (absolute).
        public var path: String
    }

    /// How a call names its file: by a descriptor (its first argument) or by a path (its second, relative to
    /// the descriptor in its first).
    private enum Names { case descriptor, pathAt }

    #if arch(x86_64)
    private static let calls: [Int: (String, Names)] = [
        0: ("read", .descriptor), 17: ("pread64", .descriptor), 19: ("readv", .descriptor),
        295: ("preadv", .descriptor), 5: ("fstat", .descriptor), 217: ("getdents64", .descriptor),
        257: ("openat", .pathAt), 437: ("openat2", .pathAt), 262: ("newfstatat", .pathAt), 332: ("statx", .pathAt),
    ]
    #elseif arch(arm64)
    private static let calls: [Int: (String, Names)] = [
        63: ("read", .descriptor), 67: ("pread64", .descriptor), 65: ("readv", .descriptor),
        69: ("preadv", .descriptor), 80: ("fstat", .descriptor), 61: ("getdents64", .descriptor),
        56: ("openat", .pathAt), 437: ("openat2", .pathAt), 79: ("newfstatat", .pathAt), 291: ("statx", .pathAt),
    ]
    #else
    private static let calls: [Int: (String, Names)] = [:]
    #endif

    /// The threads waiting now in a call about a file (pipes, sockets and the like are left out).
    public static func current() -> [Call] {
        guard let tasks = try? Directory(path: "/proc/self/task").entries() else { return [] }
        return tasks.compactMap { task in
            guard let tid = task.utf8Name, let line = readSmall("/proc/self/task/\(tid)/syscall") else { return nil }
            // "NR ARG0 … ARG5 SP PC" while in a call; "running", or "-1 SP PC" outside one.
            let fields = line.split(separator: " ")
            guard fields.count >= 7, let number = Int(fields[0]), let (name, names) = calls[number] else { return nil }
            let args = fields[1...6].map { UInt64($0.dropFirst(2), radix: 16) ?? 0 }
            let path: String?
            switch names {
            case .descriptor: path = descriptorPath(Int32(truncatingIfNeeded: args[0]))
            case .pathAt:
                guard let given = string(at: args[1]) else { return nil }
                let directory = Int32(truncatingIfNeeded: args[0])
                path =
                    given.hasPrefix("/") || directory == AT_FDCWD
                    ? given : descriptorPath(directory).map { $0 + "/" + given }
            }
            guard let path, path.hasPrefix("/") else { return nil }
            return Call(name: name, path: path)
        }
    }

    /// What `/proc/self/fd/N` links to: a path, or `pipe:[…]` and the like.
    private static func descriptorPath(_ fd: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: 4097)
        let n = readlink("/proc/self/fd/\(fd)", &buffer, 4096)
        guard n > 0 else { return nil }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A small `/proc` file's text.
    private static func readSmall(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = read(fd, &buffer, buffer.count)
        guard n > 0 else { return nil }
        return String(decoding: buffer[..<n], as: UTF8.self).trimmingSuffix("\n")
    }

    /// The NUL-terminated string at `address` in this process, read through `/proc/self/mem` (a `pread` that
    /// fails on an unmapped address, where a pointer read would crash), in pieces so that one may end at the
    /// end of a mapping; at most 4 KiB.
    private static func string(at address: UInt64) -> String? {
        guard address > 0, address < UInt64(Int64.max) else { return nil }
        let fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var piece = [UInt8](repeating: 0, count: 256)
        while bytes.count < 4096 {
            let n = pread(fd, &piece, piece.count, off_t(address) + off_t(bytes.count))
            guard n > 0 else { break }
            if let end = piece[..<n].firstIndex(of: 0) {
                bytes += piece[..<end]
                return String(decoding: bytes, as: UTF8.self)
            }
            bytes += piece[..<n]
        }
        return nil
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
