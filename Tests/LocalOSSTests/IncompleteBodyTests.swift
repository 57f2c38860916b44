import Foundation
import LocalOSS
import TestSupport
import Testing

/// A client that stops sending before the declared Content-Length.
@Suite struct IncompleteBodyTests {
    @Test func bodyCutShortByTheClientIsLoggedAsIncompleteBodyAndNotStored() async throws {
        try await LocalOSSFixture.anonymous { oss in
            let script = """
                import socket, sys
                s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
                s.sendall(b'PUT /\(oss.bucket)/short HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 100000\\r\\n\\r\\n' + b'a' * 1000)
                s.shutdown(socket.SHUT_WR)
                s.recv(100)
                s.close()
                """
            let run = try await TestHTTP.runProcess("/usr/bin/env", ["python3", "-c", script, "\(oss.port)"])
            #expect(run.status == 0, "\(run.stderr)")
            var entry: OperationLogEntry?
            for _ in 0..<100 where entry == nil {
                entry = oss.log.all.first
                if entry == nil { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(entry?.errorCode == "IncompleteBody")
            #expect(entry?.bytes == 1000)
            #expect(try await TestHTTP.send("HEAD", oss.url(forKey: "short")).status == 404)
            let temp = try FileManager.default.contentsOfDirectory(atPath: oss.directory.path + "/data/tmp")
            #expect(temp.isEmpty)
        }
    }
}
