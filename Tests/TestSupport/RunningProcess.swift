import Foundation

/// A program started in the background (for tests that signal or kill it mid-run).
public final class RunningProcess: @unchecked Sendable {
    // `process` is only touched from the test's own task.
    public let process: Process
    private let outFile: URL
    private let errFile: URL

    public init(_ executable: URL, _ arguments: [String], environment: [String: String?] = [:]) throws {
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = testEnvironment(environment)
        outFile = try TemporaryDirectory.scratchFile("stdout")
        errFile = try TemporaryDirectory.scratchFile("stderr")
        process.standardOutput = try FileHandle(forWritingTo: outFile)
        process.standardError = try FileHandle(forWritingTo: errFile)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }

    public func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// Waits for exit without blocking the cooperative pool for long stretches.
    public func wait(timeout: Duration = .seconds(300)) async -> ProcessResult {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        let out = (try? String(contentsOf: outFile, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOf: errFile, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: outFile)
        try? FileManager.default.removeItem(at: errFile)
        return ProcessResult(
            exitCode: process.terminationStatus,
            signaled: process.terminationReason == .uncaughtSignal,
            stdout: out,
            stderr: err
        )
    }
}
