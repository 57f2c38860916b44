import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `local-oss` run as a separate process, as the quick start and oss2 see it.
final class LocalOSSProcess: Sendable {
    let process: Process
    let port: Int
    let firstLine: String

    /// Starts `local-oss` with `arguments` (plus `environment`) and waits for its first stdout line.
    init(arguments: [String], environment: [String: String] = [:]) async throws {
        process = Process()
        process.executableURL = Products.url("local-oss")
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let handle = out.fileHandleForReading
        // Read the first line off the cooperative pool: the read blocks until the server prints it.
        firstLine = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var line = Data()
                while true {
                    let byte = handle.readData(ofLength: 1)
                    if byte.isEmpty || byte == Data("\n".utf8) { break }
                    line.append(byte)
                }
                continuation.resume(returning: String(decoding: line, as: UTF8.self))
            }
        }
        port = Int(firstLine.split(separator: ":").last ?? "") ?? 0
    }

    /// Sends SIGTERM and waits (off the cooperative pool) for the exit; returns the termination status.
    @discardableResult
    func terminate() async -> Int32 {
        kill(process.processIdentifier, SIGTERM)
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                self.process.waitUntilExit()
                continuation.resume(returning: self.process.terminationStatus)
            }
        }
    }

    /// Last resort when a test fails before `terminate`.
    func kill9() { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}
