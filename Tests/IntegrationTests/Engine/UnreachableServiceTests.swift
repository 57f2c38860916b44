import Foundation
import LocalOSS
import OSSBatch
import TestSupport
import Testing

/// An endpoint that cannot be reached: the batch stops within seconds with exit 3 and one clear line, every
/// job pending; `resume` against a live server finishes it. After a first answer, network trouble is only
/// retried.
@Suite(.serialized)
struct UnreachableServiceTests {
    /// A loopback TCP port in Python: `closed` prints a port nothing listens on; `reset` accepts every
    /// connection and resets it at once (SO_LINGER 0), writing its port to the file named by argv[2]; `banner`
    /// greets every connection as an SSH server does and closes it (an endpoint on another service's port); `hole`
    /// lets the kernel complete every connection and never reads or answers (a balancer whose backends are
    /// gone, a firewall that swallows).
    static let listener = #"""
        import socket, struct, sys, os, signal
        s = socket.socket()
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
        if sys.argv[1] == 'closed':
            s.close()
            print(port)
            sys.exit(0)
        s.listen(1024)
        with open(sys.argv[2] + '.tmp', 'w') as f:
            f.write(str(port))
        os.rename(sys.argv[2] + '.tmp', sys.argv[2])
        while sys.argv[1] == 'hole':
            signal.pause()
        while True:
            c, _ = s.accept()
            if sys.argv[1] == 'p407':
                # A proxy that wants credentials: 407 to every request, after reading it.
                try:
                    c.settimeout(2)
                    data = b''
                    while b'\r\n\r\n' not in data:
                        chunk = c.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                    c.sendall(b'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="p"\r\n'
                              b'Content-Length: 0\r\nConnection: close\r\n\r\n')
                except OSError:
                    pass
            elif sys.argv[1] == 'banner':
                # Read what the client sends first (until it pauses): closing over unread bytes would reset the
                # connection, which counts as unreachable without the banner.
                try:
                    c.settimeout(0.2)
                    while c.recv(65536):
                        pass
                except OSError:
                    pass
                try:
                    c.sendall(b'SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n')
                except OSError:
                    pass
            else:
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
            c.close()
        """#

    static let python = URL(fileURLWithPath: "/usr/bin/env")

    /// 300 small files and 2 multipart ones, with the default concurrency and retries.
    private func writeBatch(_ h: EngineHarness) throws -> String {
        for i in 0..<300 { try h.writeFile("small/f\(i).txt", size: 100 + i, seed: UInt64(i)) }
        for i in 0..<2 { try h.writeFile("big-\(i).bin", size: 1_500_000, seed: UInt64(900 + i)) }
        return try h.writeManifest(upload: ["part_size: 256KiB", "multipart_threshold: 1MiB"])
    }

    /// Runs the batch against `endpoint` and checks the fail-fast promise; then resumes against LocalOSS.
    private func expectFailsFastThenResumes(
        _ h: EngineHarness,
        manifest: String,
        endpoint: String,
        reason: String? = nil
    ) async throws {
        let result = try await h.run(manifest, ["--endpoint", endpoint])
        let took = result.ranFor
        #expect(result.exitCode == 3, "\(result.stdout)\(result.stderr)")
        // Not a speed test: without the fail-fast rule this batch runs every job through all its retries
        // (over a minute); the bound only has to tell the two apart on a loaded CI machine.
        #expect(took < .seconds(30), "took \(took)")
        let errors = result.stderrLines.filter { $0.hasPrefix("error: ") }
        #expect(errors.count == 1, "one clear line: \(result.stderr)")
        #expect(errors.first?.contains("ServiceUnreachable") == true)
        #expect(errors.first?.contains(endpoint) == true)
        if let reason { #expect(errors.first?.contains(reason) == true, "\(result.stderr)") }
        #expect(result.stderr.split(separator: "\n").count <= 3, "\(result.stderr)")
        #expect(!result.stderr.contains("retrying"), "each retry is logged at debug only")
        #expect(result.stdout.contains("to continue: ossbatch resume"))

        let report = try h.report()
        #expect(report.status == .fatal)
        #expect(report.fatalError?.code == "ServiceUnreachable")
        #expect(report.totals.pending == 302, "every job pending, none failed")
        #expect(report.totals.failed == 0)
        #expect(h.server.stats.snapshot.requestsTotal == 0)

        let resumed = try await h.resume(["--endpoint", h.endpoint])
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        #expect(try h.report().status == .succeeded)
        try h.expectAllStoredExactly()
        h.expectNoSecrets(in: [result.stdout, result.stderr, resumed.stdout, resumed.stderr])
    }

    @Test func aPortWhereNothingListensStopsTheBatchWithinSecondsAndResumeFinishesLater() async throws {
        let h = try await EngineHarness.start("refused")
        defer { Task { await h.stop() } }
        let manifest = try writeBatch(h)
        let closed = try await ProcessRunner.run(Self.python, ["python3", "-c", Self.listener, "closed"])
        let port = try #require(Int(closed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        try await expectFailsFastThenResumes(h, manifest: manifest, endpoint: "http://127.0.0.1:\(port)")
    }

    /// A dead proxy in the environment: the message names it and the variable (audit of 72b75db: only curl's
    /// reason had its port, and "proxy" appeared nowhere), never its password.
    @Test func aDeadProxyIsNamedAsTheWayTheRequestsWent() async throws {
        let h = try await EngineHarness.start("dead-proxy")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10, seed: 1)
        let manifest = try h.writeManifest()
        let closed = try await ProcessRunner.run(Self.python, ["python3", "-c", Self.listener, "closed"])
        let port = try #require(Int(closed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        let result = try await h.ossbatch(
            ["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"],
            environment: [
                "http_proxy": "http://user:proxy-pw-1234@127.0.0.1:\(port)", "NO_PROXY": nil, "no_proxy": nil,
                "ALL_PROXY": nil, "all_proxy": nil,
            ]
        )
        #expect(result.exitCode == 3, "\(result.stderr)")
        #expect(
            result.stderr.contains(
                "cannot reach \(h.endpoint) through the proxy http://127.0.0.1:\(port) (from http_proxy)"
            ),
            "\(result.stderr)"
        )
        #expect(!result.stderr.contains("proxy-pw-1234") && !result.stdout.contains("proxy-pw-1234"))
        #expect(h.server.stats.snapshot.requestsTotal == 0)
    }

    /// A proxy that asks for credentials (407) in front of an `http://` endpoint: the service was never reached,
    /// so the batch stops as unreachable through the proxy, its jobs pending, as it does for an `https://`
    /// endpoint (whose CONNECT meets the 407). Before, every job failed at once as "HTTP407: HTTP 407 without an
    /// error message", exit 1, no proxy named (review of c56b4e6).
    @Test func aProxyThatAsksForCredentialsStopsTheBatchAsUnreachableThroughIt() async throws {
        let h = try await EngineHarness.start("proxy-407")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10, seed: 1)
        try h.writeFile("b.txt", size: 10, seed: 2)
        let manifest = try h.writeManifest()
        let (port, proxy) = try await startListener(h, "p407")
        defer {
            proxy.signal(SIGKILL)
            Task { _ = await proxy.wait() }
        }
        let result = try await h.ossbatch(
            ["run", manifest, "--report", h.reportPath, "--progress-interval", "3600"],
            environment: [
                "http_proxy": "http://127.0.0.1:\(port)", "NO_PROXY": nil, "no_proxy": nil, "ALL_PROXY": nil,
                "all_proxy": nil,
            ]
        )
        #expect(result.exitCode == 3, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("through the proxy http://127.0.0.1:\(port)"), "\(result.stderr)")
        #expect(result.stderr.contains("407"), "\(result.stderr)")
        #expect(try h.report().jobs.allSatisfy { $0.outcome.status == .pending })
        #expect(h.server.stats.snapshot.requestsTotal == 0)
    }

    /// Starts the listener in `mode`; its port, and the process (killed when the test ends).
    private func startListener(_ h: EngineHarness, _ mode: String) async throws -> (Int, RunningProcess) {
        let portFile = h.dir.url.appendingPathComponent("listener-port").path
        let listener = try RunningProcess(Self.python, ["python3", "-c", Self.listener, mode, portFile])
        var port: Int?
        _ = await h.waitUntil(.seconds(60)) {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0) }
            return port != nil
        }
        return (try #require(port, "the \(mode) listener did not start"), listener)
    }

    @Test func aServerThatAcceptsAndResetsEveryConnectionStopsTheBatchWithinSeconds() async throws {
        let h = try await EngineHarness.start("resetting")
        defer { Task { await h.stop() } }
        let manifest = try writeBatch(h)
        let (listening, listener) = try await startListener(h, "reset")
        defer {
            listener.signal(SIGKILL)
            Task { _ = await listener.wait() }
        }
        try await expectFailsFastThenResumes(h, manifest: manifest, endpoint: "http://127.0.0.1:\(listening)")
    }

    /// Another service on the endpoint's port (an SSH banner): no HTTP answer is no answer. Before, each file
    /// failed after all its attempts (about 1,800 requests and 90 s for this batch, exit 1; audit of 72b75db).
    @Test func aPortAnotherServiceHoldsStopsTheBatchWithinSeconds() async throws {
        let h = try await EngineHarness.start("not-http")
        defer { Task { await h.stop() } }
        let manifest = try writeBatch(h)
        let (listening, listener) = try await startListener(h, "banner")
        defer {
            listener.signal(SIGKILL)
            Task { _ = await listener.wait() }
        }
        try await expectFailsFastThenResumes(
            h,
            manifest: manifest,
            endpoint: "http://127.0.0.1:\(listening)",
            reason: "does not answer in HTTP"
        )
    }

    @Test func anEndpointThatAcceptsAndNeverAnswersStopsTheBatchOnceARequestHasStalledThroughItsRetries()
        async throws
    {
        let h = try await EngineHarness.start("black-hole")
        defer { Task { await h.stop() } }
        for i in 0..<6 { try h.writeFile("f\(i).txt", size: 100 + i, seed: UInt64(i)) }
        // One attempt a request: a stall is 30 s (curl's low-speed limit), and this test waits for one.
        let manifest = try h.writeManifest(upload: ["concurrency: 2", "retries: {attempts: 1}"])
        let (listening, listener) = try await startListener(h, "hole")
        defer {
            listener.signal(SIGKILL)
            Task { _ = await listener.wait() }
        }
        let result = try await h.run(manifest, ["--endpoint", "http://127.0.0.1:\(listening)"])
        // Before: each wave of requests stalled and failed its jobs, one wave after another (hours for a
        // real batch), exit 1.
        #expect(result.exitCode == 3, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("ServiceUnreachable"), "\(result.stderr)")
        let report = try h.report()
        #expect(report.fatalError?.code == "ServiceUnreachable")
        #expect(report.totals.pending == 6 && report.totals.failed == 0, "\(report.totals)")
        let resumed = try await h.resume(["--endpoint", h.endpoint])
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        try h.expectAllStoredExactly()
    }

    /// A resume that stops as unreachable: the jobs it never tried are `pending`, not left `failed` with the
    /// earlier run's errors and listed as if it had met them (audit of 72b75db).
    @Test func aResumeStoppedAsUnreachableLeavesTheJobsItNeverTriedPending() async throws {
        let h = try await EngineHarness.start("resume-unreachable")
        defer { Task { await h.stop() } }
        for i in 0..<40 { try h.writeFile("f\(i).txt", size: 100 + i, seed: UInt64(i)) }
        let manifest = try h.writeManifest(upload: ["retries: {attempts: 1}"])
        h.server.faults.add(
            FaultRule(operation: .putObject, count: nil, action: .fail(status: 500, code: .internalError))
        )
        let failed = try await h.run(manifest)
        #expect(failed.exitCode == 1, "\(failed.stderr)")
        #expect(try h.report().totals.failed == 40)
        let closed = try await ProcessRunner.run(Self.python, ["python3", "-c", Self.listener, "closed"])
        let port = try #require(Int(closed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        let stopped = try await h.resume(["--endpoint", "http://127.0.0.1:\(port)"])
        #expect(stopped.exitCode == 3, "\(stopped.stderr)")
        let report = try h.report()
        #expect(report.totals.failed == 0 && report.totals.pending == 40, "\(report.totals)")
        #expect(!stopped.stdout.contains("InternalError"), "\(stopped.stdout)")
        h.server.faults.removeAll()
        let resumed = try await h.resume(["--endpoint", h.endpoint])
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        try h.expectAllStoredExactly()
    }

    /// A failed multipart job the stopped resume never tried keeps its open upload on its pending line: reset
    /// bare, `open_uploads` said 0, the `fatal` report counted as finished, and the next `run` replaced it, its
    /// upload open and billed with nothing naming it (review of e4ab55a).
    @Test func aResumeStoppedAsUnreachableKeepsTheOpenUploadsOfTheJobsItNeverTried() async throws {
        let h = try await EngineHarness.start("resume-unreachable-multipart")
        defer { Task { await h.stop() } }
        // Files before it in plan order, one at a time: the resume stops on the first and never tries the upload.
        for i in 0..<3 { try h.writeFile("a\(i).txt", size: 100 + i, seed: UInt64(i)) }
        try h.writeFile("z-big.bin", size: 1_500_000, seed: 3)
        let manifest = try h.writeManifest(upload: [
            "retries: {attempts: 1}", "part_size: 256KiB", "multipart_threshold: 1MiB", "concurrency: 1",
            "files_in_flight: 1",
        ])
        for operation in [OSSOperation.uploadPart, .putObject] {
            h.server.faults.add(
                FaultRule(operation: operation, count: nil, action: .fail(status: 500, code: .internalError))
            )
        }
        let failed = try await h.run(manifest)
        #expect(failed.exitCode == 1, "\(failed.stderr)")
        let uploadID = try #require(try h.report().jobs.last?.outcome.uploadID)
        let closed = try await ProcessRunner.run(Self.python, ["python3", "-c", Self.listener, "closed"])
        let port = try #require(Int(closed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        let stopped = try await h.resume(["--endpoint", "http://127.0.0.1:\(port)"])
        #expect(stopped.exitCode == 3, "\(stopped.stderr)")
        let report = try h.report()
        #expect(report.status == .fatal && report.totals.pending == 4 && report.totals.openUploads == 1)
        #expect(report.jobs.last?.outcome.uploadID == uploadID && report.jobs.last?.outcome.checkpoint != nil)
        h.server.faults.removeAll()
        let resumed = try await h.resume(["--endpoint", h.endpoint])
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        try h.expectAllStoredExactly()
        #expect(try await h.makeClient().listMultipartUploads(bucket: h.bucket, prefix: "").isEmpty)
    }

    @Test func afterAFirstAnswerDroppedConnectionsAreRetriedNotFatal() async throws {
        let h = try await EngineHarness.start("flaky")
        defer { Task { await h.stop() } }
        for i in 0..<40 { try h.writeFile("f\(i).txt", size: 500, seed: UInt64(i)) }
        // The first PutObject is answered; the next 16 lose their connections (well past the threshold).
        h.server.faults.add(FaultRule(operation: .putObject, skip: 1, count: 16, action: .dropResponse))
        let manifest = try h.writeManifest(upload: [
            "concurrency: 1", "retries: {attempts: 20, base_delay: 1ms, max_delay: 5ms}",
        ])
        let result = try await h.run(manifest)
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        #expect(try h.report().status == .succeeded)
        try h.expectAllStoredExactly()
        // Retries: one info line per job that needed them, with the count; each attempt only at debug.
        // (libcurl may itself resend once on a fresh connection, so the count is not exactly 16.)
        let retried = result.stderrLines.filter { $0.hasPrefix("info: ") && $0.contains("retr") }
        #expect(retried.count == 1, "\(result.stderr)")
        #expect(retried.first?.hasPrefix("info: data/f1.txt: succeeded (after ") == true, "\(result.stderr)")
        #expect(retried.first?.contains(" retries, ") == true, "\(result.stderr)")
        #expect(!result.stderr.contains("retrying"), "each attempt is logged at debug only")
    }
}
