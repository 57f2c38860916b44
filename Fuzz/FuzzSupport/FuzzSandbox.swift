import Foundation

/// A directory of this process's own for the files a target writes (a manifest, a report), in `/dev/shm`
/// when there is one, so that an input costs no disk I/O; removed when the process exits normally.
public final class FuzzSandbox: Sendable {
    public let path: String

    /// One sandbox per process.
    public static let shared = FuzzSandbox()

    private init() {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        path = base + "/ossbatch-fuzz-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: FuzzSandbox.shared.path) }
    }

    /// Writes `bytes` to `name` in the sandbox (creating its directories) and returns the file's path.
    @discardableResult
    public func write(_ bytes: [UInt8], to name: String) -> String {
        let file = path + "/" + name
        let directory = (file as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: file, contents: Data(bytes)) else {
            fatalError("the fuzz sandbox cannot be written: \(file)")
        }
        return file
    }

    public func remove(_ name: String) { try? FileManager.default.removeItem(atPath: path + "/" + name) }
}
