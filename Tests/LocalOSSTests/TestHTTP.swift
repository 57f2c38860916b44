import Foundation
import TestSupport

/// A plain HTTP answer as the tests inspect it.
struct TestReply: Sendable {
    var status: Int
    /// Header names lower-cased.
    var headers: [String: String]
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    func header(_ name: String) -> String? { headers[name.lowercased()] }
    /// The text of `<name>` in an XML body.
    func xml(_ name: String) -> String? {
        guard let open = text.range(of: "<\(name)>"),
            let close = text.range(of: "</\(name)>", range: open.upperBound..<text.endIndex)
        else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
    }
    func xmlAll(_ name: String) -> [String] {
        var out: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "<\(name)>"),
            let close = rest.range(of: "</\(name)>", range: open.upperBound..<rest.endIndex)
        {
            out.append(String(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return out
    }
}

/// Real HTTP over loopback through curl (no mocks). curl, unlike URLSession, sends `Authorization` as given
/// and adds no Content-Type of its own for uploads (`-T`), so signed requests arrive exactly as built.
enum TestHTTP {
    static func send(
        _ method: String,
        _ url: URL,
        headers: [String: String] = [:],
        body: Data? = nil,
        timeout: TimeInterval = 30
    ) async throws -> TestReply {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("localoss-curl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let headerFile = dir.appendingPathComponent("headers")
        let bodyFile = dir.appendingPathComponent("body")
        var args = [
            "-s", "--path-as-is", "--max-time", "\(Int(timeout))", "-D", headerFile.path, "-o", bodyFile.path,
            "-w", "%{http_code}",
        ]
        if method == "HEAD" { args.append("--head") } else { args += ["-X", method] }
        for (k, v) in headers { args += ["-H", "\(k): \(v)"] }
        if let body {
            let upload = dir.appendingPathComponent("upload")
            try body.write(to: upload)
            args += ["-T", upload.path]
        }
        args.append(url.absoluteString)
        let result = try await runCurl(args)
        guard result.status == 0 else { throw CurlFailure(exitCode: result.status, stderr: result.stderr) }
        // The last header block is the final response (a 100 Continue block may come first).
        let raw = (try? String(contentsOf: headerFile, encoding: .utf8)) ?? ""
        let block = raw.components(separatedBy: "\r\n\r\n").filter { !$0.isEmpty }.last ?? ""
        var h: [String: String] = [:]
        for line in block.components(separatedBy: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            h[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let status = Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        // With --head curl writes the headers to the output file: a HEAD reply has no body by definition.
        let data = method == "HEAD" ? Data() : (try? Data(contentsOf: bodyFile)) ?? Data()
        return TestReply(status: status, headers: h, body: data)
    }

    struct CurlFailure: Error, CustomStringConvertible {
        var exitCode: Int32
        var stderr: String
        var description: String { "curl exited \(exitCode): \(stderr)" }
    }

    /// Runs curl without blocking a cooperative thread (the server under test runs on the same pool).
    static func runCurl(_ args: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await runProcess("/usr/bin/curl", args)
    }

    /// Runs a program to completion without blocking a cooperative thread.
    static func runProcess(
        _ path: String,
        _ args: [String]
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = args
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { p in
                let o = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                continuation.resume(returning: (p.terminationStatus, o, e))
            }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
    }

    /// Deterministic pseudo-random bytes (so failures reproduce), `count` long.
    static func bytes(_ count: Int, seed: UInt64 = 1) -> Data { Data(testBytes(count, seed: seed)) }
}
