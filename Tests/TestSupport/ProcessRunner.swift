import Foundation

/// The outcome of running a program to completion.
public struct ProcessResult: Sendable {
    /// When it was launched and when it ended (seen by Foundation's thread, not the test's task).
    public var startedAt: ContinuousClock.Instant
    public var endedAt: ContinuousClock.Instant
    /// How long it ran: not lengthened by a test task that a loaded pool resumed late.
    public var ranFor: Duration { endedAt - startedAt }
    public var exitCode: Int32
    /// True when the process was killed by a signal (`exitCode` is then the signal number).
    public var signaled: Bool
    public var stdout: String
    public var stderr: String
}

/// Locates the products SwiftPM built beside the test bundle (`ossbatch`, `local-oss`).
public enum Products {
    /// The build directory of the running tests (`.build/<triple>/debug`).
    public static var buildDirectory: URL {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // The test runner may live inside the .xctest bundle directory on some platforms.
        while dir.path != "/" && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("ossbatch").path) {
            let parent = dir.deletingLastPathComponent()
            if parent == dir { break }
            dir = parent
            if dir.lastPathComponent == ".build" { break }
        }
        return dir
    }

    public static func url(_ name: String) -> URL { buildDirectory.appendingPathComponent(name) }
}

/// Runs programs for end-to-end tests.
public enum ProcessRunner {
    /// Runs `executable` with `arguments`, waits for it without holding a thread, and captures both streams.
    /// `environment` entries are added to (or, with `nil` values, removed from) the current environment.
    ///
    /// There is deliberately no blocking form: it would hold one of the cooperative pool's threads (one per
    /// core, two on CI) until the child exits, and when the child is an `ossbatch` talking to an in-process
    /// LocalOSS, or a test polls for a moment to signal one, starving the pool stalls both.
    public static func run(
        _ executable: URL,
        _ arguments: [String],
        environment: [String: String?] = [:],
        currentDirectory: URL? = nil,
        stdin: String? = nil
    ) async throws -> ProcessResult {
        let process = try RunningProcess(
            executable,
            arguments,
            environment: environment,
            currentDirectory: currentDirectory,
            stdin: stdin
        )
        return await process.wait()
    }
}
