import Foundation
import Synchronization

/// A program started in the background (for tests that signal or kill it mid-run).
public final class RunningProcess: @unchecked Sendable {
    // `process` is touched from the test's own task, and read (`isRunning`, its pid) by a timed signal's
    // thread (`signal(_:after:once:)`), which Foundation's `Process` allows.
    public let process: Process
    private let outFile: URL
    private let errFile: URL
    /// When the process was launched, and when it ended as Foundation's own thread saw it: a test measuring
    /// how long a run took reads these, not its task's clock, which a loaded pool resumes late.
    public let startedAt: ContinuousClock.Instant
    private let exit = ExitInstant()

    public init(
        _ executable: URL,
        _ arguments: [String],
        environment: [String: String?] = [:],
        currentDirectory: URL? = nil,
        stdin: String? = nil
    ) throws {
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = testEnvironment(environment)
        outFile = try TemporaryDirectory.scratchFile("stdout")
        errFile = try TemporaryDirectory.scratchFile("stderr")
        process.standardOutput = try FileHandle(forWritingTo: outFile)
        process.standardError = try FileHandle(forWritingTo: errFile)
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        startedAt = ContinuousClock.now
        process.terminationHandler = { [exit] _ in exit.record() }
        if let stdin {
            let pipe = Pipe()
            process.standardInput = pipe
            try process.run()
            pipe.fileHandleForWriting.write(Data(stdin.utf8))
            try pipe.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }
    }

    /// A process a test left running (killed in a `defer` without a `wait`) is killed and reaped here, and
    /// its scratch files removed: each such test left a zombie and two files in the temp directory.
    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: outFile)
        try? FileManager.default.removeItem(at: errFile)
    }

    public var pid: Int32 { process.processIdentifier }

    public func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// Sends `sig` once `ready` holds and `delay` more has passed, timed on a dispatch thread rather than by
    /// the test's own sleep: a task's sleep resumes on a thread of the cooperative pool (two on CI), which
    /// tests running beside it can keep busy for seconds, and a batch then ran to its end before its kill
    /// came. Nothing is sent to a process that has ended.
    public func signal(_ sig: Int32, after delay: Duration, once ready: @escaping @Sendable () -> Bool = { true }) {
        DispatchQueue.global().async {
            while !ready() && self.process.isRunning { usleep(2_000) }
            let (seconds, attoseconds) = delay.components
            usleep(UInt32(seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
            if self.process.isRunning { self.signal(sig) }
        }
    }

    /// What the process has written to stderr so far.
    public var stderrSoFar: String { (try? String(contentsOf: errFile, encoding: .utf8)) ?? "" }

    /// Waits (without holding a thread) until stderr holds `text`; false after `timeout` or once the process
    /// ended without it. Looked at once more at the deadline: the task's last sleep may have ended long after it.
    public func waitForStderr(containing text: String, timeout: Duration = .seconds(60)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if stderrSoFar.contains(text) { return true }
            if !process.isRunning { return stderrSoFar.contains(text) }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return stderrSoFar.contains(text)
    }

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
            startedAt: startedAt,
            endedAt: exit.instant ?? ContinuousClock.now,
            exitCode: process.terminationStatus,
            signaled: process.terminationReason == .uncaughtSignal,
            stdout: out,
            stderr: err
        )
    }
}

/// The instant a process ended, recorded by its termination handler.
private final class ExitInstant: Sendable {
    private let value = Mutex<ContinuousClock.Instant?>(nil)
    func record() { value.withLock { $0 = ContinuousClock.now } }
    var instant: ContinuousClock.Instant? { value.withLock { $0 } }
}
