import Foundation

/// The outcome of running a program to completion.
public struct ProcessResult: Sendable {
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
    /// Runs `executable` with `arguments`, waits for it, and captures both streams.
    /// `environment` entries are added to (or, with `nil` values, removed from) the current environment.
    public static func run(
        _ executable: URL,
        _ arguments: [String],
        environment: [String: String?] = [:],
        currentDirectory: URL? = nil,
        stdin: String? = nil
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = testEnvironment(environment)
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let outFile = try TemporaryDirectory.scratchFile("stdout")
        let errFile = try TemporaryDirectory.scratchFile("stderr")
        process.standardOutput = try FileHandle(forWritingTo: outFile)
        process.standardError = try FileHandle(forWritingTo: errFile)
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
