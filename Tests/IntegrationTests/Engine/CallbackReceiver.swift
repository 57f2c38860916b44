import Foundation
import TestSupport

/// A tiny HTTP server (python3's http.server in a child process) that receives OSS upload callbacks on
/// loopback, answers 200 with JSON (or `status` when told to fail), and appends each body to a file.
final class CallbackReceiver: @unchecked Sendable {
    let process: Process
    let port: Int
    let bodiesFile: URL

    init(directory: URL, status: Int = 200) throws {
        bodiesFile = directory.appendingPathComponent("callback-bodies.txt")
        let script = """
        import http.server, sys
        status, out = int(sys.argv[1]), sys.argv[2]
        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
                with open(out, 'ab') as f: f.write(body + b'\\n')
                reply = b'{"received":true}' if status == 200 else b'receiver failed'
                self.send_response(status)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
            def log_message(self, *a): pass
        s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
        print(s.server_address[1], flush=True)
        s.serve_forever()
        """
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        child.arguments = ["python3", "-c", script, String(status), bodiesFile.path]
        let pipe = Pipe()
        child.standardOutput = pipe
        try child.run()
        let line = String(decoding: pipe.fileHandleForReading.availableData, as: UTF8.self)
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(child.processIdentifier, SIGKILL)
            throw CocoaError(.fileReadCorruptFile)
        }
        process = child
        self.port = port
    }

    var url: String { "http://127.0.0.1:\(port)/notify" }

    var bodies: [String] {
        ((try? String(contentsOf: bodiesFile, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// SIGKILL: the test runner blocks SIGTERM, and children inherit that.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
