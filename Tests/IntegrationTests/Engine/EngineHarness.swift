import CurlHTTP
import Digests
import Foundation
import LocalOSS
import OSSBatch
import OSSKit
import OSSProtocol
import TestSupport
import Testing

/// One end-to-end setup: a LocalOSS server in this process, a temp dir with source files and a manifest,
/// and the real `ossbatch` binary run against them with credentials in its environment.
final class EngineHarness: @unchecked Sendable {
    let dir: TemporaryDirectory
    let server: LocalOSSServer
    let bucket = "batch-bucket"
    let accessKeyID = "LTAI5tEngineTest"
    let secret: String
    let token: String

    private init(dir: TemporaryDirectory, server: LocalOSSServer, secret: String, token: String) {
        self.dir = dir
        self.server = server
        self.secret = secret
        self.token = token
    }

    /// `configure` adjusts the server's configuration before it starts (e.g. `withoutCRC64`).
    static func start(
        _ label: String = "engine",
        configure: (inout LocalOSSConfiguration) -> Void = { _ in }
    ) async throws -> EngineHarness {
        let dir = try TemporaryDirectory(label)
        let secret = "SeCrEt-\(UUID().uuidString)"
        let token = "ToKeN-\(UUID().uuidString)"
        var configuration = LocalOSSConfiguration(
            dataDirectory: dir.url.appendingPathComponent("oss-data"),
            buckets: ["batch-bucket"],
            accessKeys: ["LTAI5tEngineTest": secret],
            region: "local"
        )
        configure(&configuration)
        let server = try LocalOSSServer(configuration: configuration)
        _ = try await server.start()
        return EngineHarness(dir: dir, server: server, secret: secret, token: token)
    }

    func stop() async {
        await server.stop()
        dir.remove()
    }

    /// An OSSClient with the harness's credentials, for tests that act behind ossbatch's back.
    func makeClient() -> OSSClient {
        OSSClient(
            configuration: OSSClientConfiguration(endpoint: endpoint, region: "local", addressing: .path),
            credentials: Credentials(accessKeyID: accessKeyID, accessKeySecret: secret),
            transport: EngineHarness.http
        )
    }

    static let http = CurlHTTPClient()

    var endpoint: String { "http://127.0.0.1:\(server.port)" }

    /// Credentials for the binary: through the environment, never argv. The state directory (locks, default
    /// reports and checkpoints) is the test's own.
    var environment: [String: String?] {
        [
            "OSS_ACCESS_KEY_ID": accessKeyID, "OSS_ACCESS_KEY_SECRET": secret, "OSS_SESSION_TOKEN": token,
            StateDirectory.environmentVariable: stateDir,
        ]
    }

    /// The state directory the binary uses in this test.
    var stateDir: String { dir.url.appendingPathComponent("ossbatch-state").path }

    /// Writes `size` deterministic bytes (a function of `seed`) to `relativePath` under `src/`.
    @discardableResult
    func writeFile(_ relativePath: String, size: Int, seed: UInt64 = 1) throws -> URL {
        let url = dir.url.appendingPathComponent("src").appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)  // opening it below throws if this failed
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        var remaining = size
        var chunk = [UInt8](repeating: 0, count: min(size, 1 << 20))
        while remaining > 0 {
            let n = min(remaining, chunk.count)
            var i = 0
            while i < n {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                var word = state >> 16
                for _ in 0..<min(6, n - i) {
                    chunk[i] = UInt8(truncatingIfNeeded: word)
                    word >>= 8
                    i += 1
                }
            }
            try handle.write(contentsOf: chunk[0..<n])
            remaining -= n
        }
        return url
    }

    /// A manifest uploading everything under `src/` to `prefix`, with `upload` settings and more `target`
    /// settings (YAML lines).
    @discardableResult
    func writeManifest(
        _ name: String = "manifest.yaml",
        target: [String] = [],
        upload: [String] = [],
        prefix: String = "data/",
        extraEntryLines: [String] = [],
        defaults: [String] = []
    ) throws -> String {
        var lines = [
            "version: 1", "target:", "  endpoint: \(endpoint)", "  region: local", "  bucket: \(bucket)",
            "  addressing: path",
        ]
        lines += target.map { "  " + $0 }
        lines += ["upload:", "  checkpoint_dir: state/checkpoints"]
        lines += upload.map { "  " + $0 }
        if !defaults.isEmpty { lines += ["defaults:"] + defaults.map { "  " + $0 } }
        lines += ["files:", "  - source: src/", "    key_prefix: \(prefix)"]
        lines += extraEntryLines.map { "    " + $0 }
        let url = try dir.write(name, lines.joined(separator: "\n") + "\n")
        return url.path
    }

    var reportPath: String { dir.url.appendingPathComponent("report.json").path }
    var checkpointDir: String { dir.url.appendingPathComponent("state/checkpoints").path }

    func start(_ arguments: [String], environment extra: [String: String?] = [:]) throws -> RunningProcess {
        var env = environment
        for (k, v) in extra { env[k] = v }
        return try RunningProcess(Products.url("ossbatch"), arguments, environment: env)
    }

    /// Starts `ossbatch` from python3 after `setup`, python statements run with `os`, `resource`, `signal` and
    /// `sys` imported, then `exec`: for what a process inherits that `Process` cannot set (signal masks and
    /// dispositions, resource limits, descriptors). Python ignores SIGPIPE, which exec keeps: it is put back
    /// to its default first, as a shell leaves it.
    func startAfterPython(_ setup: String, _ arguments: [String]) throws -> RunningProcess {
        let script =
            "import os, resource, signal, sys; signal.signal(signal.SIGPIPE, signal.SIG_DFL); \(setup); "
            + "os.execv(sys.argv[1], sys.argv[1:])"
        return try RunningProcess(
            URL(fileURLWithPath: "/usr/bin/python3"),
            ["-c", script, Products.url("ossbatch").path] + arguments,
            environment: environment
        )
    }

    /// Runs `ossbatch` to completion as `startAfterPython` starts it.
    func ossbatchAfterPython(_ setup: String, _ arguments: [String]) async throws -> ProcessResult {
        await (try startAfterPython(setup, arguments)).wait()
    }

    /// Starts `ossbatch` with SIGINT and SIGTERM blocked in its initial signal mask, as a process spawned from
    /// one of dispatch's worker threads (which block them) inherits it.
    func startWithStopSignalsBlocked(_ arguments: [String]) throws -> RunningProcess {
        try startAfterPython("signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})", arguments)
    }

    /// Runs another program (e.g. `script` wrapping ossbatch) with the harness's environment.
    func ossbatchVia(_ program: URL, _ arguments: [String]) async throws -> ProcessResult {
        await (try RunningProcess(program, arguments, environment: environment)).wait()
    }

    /// Runs `ossbatch` to completion.
    func ossbatch(_ arguments: [String], environment extra: [String: String?] = [:]) async throws -> ProcessResult {
        await (try start(arguments, environment: extra)).wait()
    }

    func run(_ manifest: String, _ more: [String] = []) async throws -> ProcessResult {
        try await ossbatch(["run", manifest, "--report", reportPath, "--progress-interval", "3600"] + more)
    }

    func resume(_ more: [String] = []) async throws -> ProcessResult {
        try await ossbatch(["resume", reportPath, "--progress-interval", "3600"] + more)
    }

    func report() throws -> Report { try ReportStore.load(reportPath) }

    /// The report as an independent parser reads it (Foundation's `JSONSerialization`, not our decoder): the
    /// document and its job lines.
    func reportAsJSON() throws -> (document: [String: Any], lines: [[String: Any]]) {
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reportPath)))
                as? [String: Any]
        )
        return (document, try #require(document["jobs"] as? [[String: Any]]))
    }

    /// Sends SIGINT until `process` says it is stopping. ossbatch catches signals from before its banner on
    /// (`SignalPipe`); a SIGINT sent before that (while planning) ends the process by the default action, so
    /// tests that start signalling early still repeat it until the stop is acknowledged.
    func interrupt(_ process: RunningProcess) async {
        for _ in 0..<10 {
            process.signal(SIGINT)
            if await process.waitForStderr(containing: ": stopping", timeout: .seconds(3)) { return }
        }
    }

    /// Lets a batch (of two parts at a time) checkpoint some parts, then hangs it: UploadParts answer 250 ms
    /// late and every one after the twelfth is held until the test opens the returned gate. The twelve take
    /// 1.5 s, past the checkpoint's 1 s write interval (it writes when a part ends, at most once a second).
    func holdAfterACheckpoint() -> String {
        server.faults.add(FaultRule(operation: .uploadPart, count: nil, action: .delay(milliseconds: 250)))
        return hold(after: 12)
    }

    /// Holds every `operation` request (of a key containing `keyContains`, if given) after the next `passing`
    /// once done, unanswered, until the test opens the returned gate (`server.faults.open(gate:)`): a run
    /// cannot end before the test has done what it does while the run is in flight, however slowly a loaded
    /// machine schedules the test (a delay alone lost that race at a load of 10 and more). A gate opened
    /// stays open; open it before the run must end (or after it was killed: its held requests answer no one).
    func hold(_ operation: OSSOperation = .uploadPart, after passing: Int = 1, keyContains: String? = nil) -> String {
        let gate = "\(operation)-\(UUID().uuidString)"
        server.faults.add(
            FaultRule(
                operation: operation,
                keyContains: keyContains,
                skip: passing,
                count: nil,
                action: .hold(gate: gate)
            )
        )
        return gate
    }

    /// Runs `action` on a dispatch thread as soon as a request is in flight at the server (held by a fault),
    /// not on the test's task: during a full test run the cooperative pool (two threads on CI) was once busy
    /// for longer than the client waits for a held answer (30 s), and the batch went on past the moment the
    /// test meant to change a file in. Runs `action` anyway after 120 s.
    func onceARequestIsInFlight(_ action: @escaping @Sendable () -> Void) {
        let server = self.server
        DispatchQueue.global().async {
            let deadline = ContinuousClock.now + .seconds(120)
            while server.stats.snapshot.requestsInFlight == 0 && ContinuousClock.now < deadline { usleep(2_000) }
            action()
        }
    }

    /// Waits out `SettledChangeTime.margin`: files written before are then read as settled versions, which the
    /// upload index vouches for (read sooner after a change, a file is uploaded but not indexed).
    func settle() async throws {
        try await Task.sleep(for: .nanoseconds(SettledChangeTime.margin) + .milliseconds(100))
    }

    /// Waits until `condition` holds (polling every 20 ms); returns whether it did within `timeout`.
    @discardableResult
    func waitUntil(_ timeout: Duration = .seconds(30), _ condition: () throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return try condition()
    }

    /// The server log's length once no request has been logged for `quiet`: requests of a killed or interrupted
    /// process that the server was still answering (delayed by a fault) are in the log before this returns.
    func settledLogCount(quiet: Duration = .seconds(3), timeout: Duration = .seconds(60)) async -> Int {
        let deadline = ContinuousClock.now + timeout
        var count = server.log.all.count
        var since = ContinuousClock.now
        while ContinuousClock.now < deadline && ContinuousClock.now - since < quiet {
            try? await Task.sleep(for: .milliseconds(50))
            let now = server.log.all.count
            if now != count { (count, since) = (now, ContinuousClock.now) }
        }
        return count
    }

    /// Whether the server has confirmed at least one part.
    var somePartStored: Bool { server.log.all.contains { $0.operation == .uploadPart && $0.status == 200 } }

    /// MD5 (hex) of the stored object, or nil if there is none.
    func storedMD5(_ key: String) -> String? {
        guard let data = server.objectData(bucket: bucket, key: key) else { return nil }
        return MD5.hash(data).hexString
    }

    static func md5(of url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let md5 = MD5()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { md5.update(chunk) }
        return md5.finalize().hexString
    }

    /// Every source file under `src/` with its key under `prefix`.
    func sources(prefix: String = "data/") throws -> [(key: String, url: URL)] {
        let root = dir.url.appendingPathComponent("src")
        let paths = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        return paths.sorted().compactMap { rel in
            var isDir: ObjCBool = false
            let url = root.appendingPathComponent(rel)
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue else {
                return nil
            }
            return (prefix + rel, url)
        }
    }

    /// Asserts every source is stored byte-exact (MD5) under its key.
    func expectAllStoredExactly(prefix: String = "data/", sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (key, url) in try sources(prefix: prefix) {
            let expected = try EngineHarness.md5(of: url)
            #expect(storedMD5(key) == expected, "object \(key)", sourceLocation: sourceLocation)
        }
    }

    /// Every file ossbatch wrote (report, journal, checkpoints) plus the given outputs must hold neither the
    /// harness's secret and token nor any of `others` (e.g. temporary credentials a fake STS issued).
    func expectNoSecrets(
        in outputs: [String],
        others: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        var texts = outputs
        for path in [reportPath, reportPath + ".journal"] {
            if let s = try? String(contentsOfFile: path, encoding: .utf8) { texts.append(s) }
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: checkpointDir)) ?? [] {
            if let s = try? String(contentsOfFile: checkpointDir + "/" + name, encoding: .utf8) { texts.append(s) }
        }
        for text in texts {
            #expect(!text.contains(secret), "the AccessKey secret leaked", sourceLocation: sourceLocation)
            #expect(!text.contains(token), "the STS token leaked", sourceLocation: sourceLocation)
            for other in others {
                #expect(!text.contains(other), "a temporary secret or token leaked", sourceLocation: sourceLocation)
            }
        }
    }
}
