import Foundation
import Synchronization

/// The temporary directories not removed yet. Most tests stop their harness in `defer { Task { await h.stop() } }`
/// (the stop is async), and the last tests of a run end before their task runs: each full run left a directory
/// or two in the temp directory. Whatever is still here when the test process exits is removed then.
private let unremoved = Mutex<Set<String>>([])

/// Registers, once, the exit handler that removes the directories left.
private let removalAtExit: Void = {
    // A C function pointer: it captures nothing (`unremoved` is a global).
    atexit {
        for path in unremoved.withLock({ $0 }) { removeTree(path) }
    }
}()

/// Removes `path` and all below it, like `rm -rf`. `FileManager.removeItem` gives up at the first entry that
/// another thread removed first, and at exit a test's own `remove()` may still be under way: what is left is
/// then removed entry by entry, each error ignored.
private func removeTree(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
    for _ in 0..<10 {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        if status.st_mode & S_IFMT == S_IFDIR {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                removeTree(path + "/" + name)
            }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}

/// A fresh directory under the system temp dir, removed by `remove()` (tests call it in `defer`), or at the
/// latest when the test process exits.
public struct TemporaryDirectory: Sendable {
    public let url: URL
    public var path: String { url.path }

    public init(_ label: String = "test") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("ossbatch-\(label)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        removalAtExit
        _ = unremoved.withLock { $0.insert(url.path) }
    }

    public func remove() {
        removeTree(path)
        _ = unremoved.withLock { $0.remove(url.path) }
    }

    /// Writes `contents` to `relativePath` (creating parent directories) and returns its URL.
    @discardableResult
    public func write(_ relativePath: String, _ contents: String) throws -> URL {
        try write(relativePath, Data(contents.utf8))
    }

    @discardableResult
    public func write(_ relativePath: String, _ contents: Data) throws -> URL {
        let file = url.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try contents.write(to: file)
        return file
    }

    /// Makes a file holding `contents` (or, with `directory`, an empty directory) whose last name is `name`:
    /// raw bytes that need not be UTF-8, which a `String` path cannot spell. Its parent, `relativeDirectory`,
    /// must exist. Returns the whole path's bytes.
    @discardableResult
    public func makeRaw(
        name: [UInt8],
        in relativeDirectory: String = "",
        contents: String = "",
        directory: Bool = false
    ) throws -> [UInt8] {
        let parent = relativeDirectory.isEmpty ? path : url.appendingPathComponent(relativeDirectory).path
        return try Self.makeRaw(
            at: Array(parent.utf8) + [UInt8(ascii: "/")] + name,
            contents: contents,
            directory: directory
        )
    }

    /// `makeRaw(name:in:contents:directory:)` at a whole path of raw bytes (below a directory whose own name
    /// is not UTF-8).
    @discardableResult
    public static func makeRaw(at path: [UInt8], contents: String = "", directory: Bool = false) throws -> [UInt8] {
        let cPath = path.map { CChar(bitPattern: $0) } + [0]
        func fail() -> Error { POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        if directory {
            guard mkdir(cPath, 0o755) == 0 else { throw fail() }
            return path
        }
        let fd = open(cPath, O_CREAT | O_EXCL | O_WRONLY, 0o644)
        guard fd >= 0 else { throw fail() }
        defer { close(fd) }
        let data = Array(contents.utf8)
        guard Glibc.write(fd, data, data.count) == data.count else { throw fail() }
        return path
    }

    /// A path for a throwaway file (created empty).
    static func scratchFile(_ label: String) throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ossbatch-\(label)-\(UUID().uuidString)"
        )
        guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.path])
        }
        return file
    }
}
