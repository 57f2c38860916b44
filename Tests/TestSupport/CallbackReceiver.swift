import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An upload-callback receiver for tests: python3's http.server on 127.0.0.1, a separate process so that it is
/// a real HTTP peer. Records every POST (content type and body) and answers `status` with a small JSON body,
/// or with `answers: false` never answers (a receiver that hangs).
public final class CallbackReceiver: Sendable {
    let process: Process
    let directory: TemporaryDirectory
    public let port: Int

    static let script = #"""
        import http.server, sys, os, itertools, time
        out, status, answers = sys.argv[1], int(sys.argv[2]), sys.argv[3] == 'answer'
        counter = itertools.count(1)
        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
                n = next(counter)
                tmp = os.path.join(out, 'request-%06d.tmp' % n)
                with open(tmp, 'wb') as f:
                    f.write(self.headers.get('Content-Type', '').encode() + b'\n' + body)
                os.rename(tmp, os.path.join(out, 'request-%06d' % n))
                if not answers:
                    time.sleep(3600)
                    return
                now = status
                if os.path.exists(os.path.join(out, 'status')):
                    with open(os.path.join(out, 'status')) as f: now = int(f.read())
                reply = b'{"Status":"OK","from":"receiver"}' if now == 200 else b'receiver failed'
                self.send_response(now)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
            def log_message(self, *a): pass
        s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
        with open(os.path.join(out, 'port.tmp'), 'w') as f: f.write(str(s.server_address[1]))
        os.rename(os.path.join(out, 'port.tmp'), os.path.join(out, 'port'))
        s.serve_forever()
        """#

    public init(status: Int = 200, answers: Bool = true) async throws {
        directory = try TemporaryDirectory("callback")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c", CallbackReceiver.script, directory.path, "\(status)", answers ? "answer" : "hang",
        ]
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let portFile = directory.url.appendingPathComponent("port")
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: portFile.path) {
            try await Task.sleep(for: .milliseconds(25))
        }
        port = Int(try String(contentsOf: portFile, encoding: .utf8)) ?? 0
    }

    /// From now on the receiver answers `status` (a receiver that failed and is fixed).
    public func answer(_ status: Int) throws {
        let tmp = directory.url.appendingPathComponent("status.tmp")
        try Data("\(status)".utf8).write(to: tmp)
        _ = rename(tmp.path, directory.url.appendingPathComponent("status").path)
    }

    /// A URL on the receiver.
    public var url: String { "http://127.0.0.1:\(port)/notify" }

    /// Every callback received, in order: (content type, body).
    public var all: [(contentType: String, body: String)] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasPrefix("request-") && !$0.hasSuffix(".tmp") }.sorted()
        return names.compactMap { name in
            guard let data = try? String(contentsOf: directory.url.appendingPathComponent(name), encoding: .utf8),
                let newline = data.firstIndex(of: "\n")
            else { return nil }
            return (String(data[..<newline]), String(data[data.index(after: newline)...]))
        }
    }

    /// The last callback received.
    public var received: (contentType: String, body: String)? { all.last }

    /// SIGKILL: the test runner's blocked-signal mask is inherited, so SIGTERM may never arrive.
    public func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        directory.remove()
    }
}
