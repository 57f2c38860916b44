import CurlHTTP
import Foundation
import OSSProtocol
import TestSupport
import Testing

/// A TLS server with a fresh self-signed certificate: `openssl` makes the certificate, a few lines of
/// Python's `ssl` module serve it on 127.0.0.1 and answer every request with 200 `ok`.
private struct SelfSignedServer {
    let directory: TemporaryDirectory
    let process: RunningProcess
    let port: Int

    static let script = """
        import os, socket, ssl, sys, threading
        cert, key, portfile = sys.argv[1:4]
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        with open(portfile + ".tmp", "w") as f:
            f.write(str(server.getsockname()[1]))
        os.rename(portfile + ".tmp", portfile)
        def serve(conn):
            try:
                tls = context.wrap_socket(conn, server_side=True)
                data = b""
                while b"\\r\\n\\r\\n" not in data:
                    chunk = tls.recv(4096)
                    if not chunk:
                        return
                    data += chunk
                tls.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\nConnection: close\\r\\n\\r\\nok")
                tls.close()
            except Exception:
                conn.close()
        while True:
            conn, _ = server.accept()
            threading.Thread(target=serve, args=(conn,), daemon=True).start()
        """

    static var toolsAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
    }

    static func start() async throws -> SelfSignedServer {
        let directory = try TemporaryDirectory("curl-tls")
        let cert = directory.url.appendingPathComponent("cert.pem").path
        let key = directory.url.appendingPathComponent("key.pem").path
        let maker = try RunningProcess(
            URL(fileURLWithPath: "/usr/bin/openssl"),
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                "-days", "1", "-keyout", key, "-out", cert,
            ]
        )
        let made = await maker.wait(timeout: .seconds(30))
        try #require(made.exitCode == 0, "openssl req failed: \(made.stderr)")
        let scriptFile = try directory.write("server.py", script)
        let portFile = directory.url.appendingPathComponent("port").path
        let process = try RunningProcess(
            URL(fileURLWithPath: "/usr/bin/python3"),
            [scriptFile.path, cert, key, portFile]
        )
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let port = Int(text) {
                return SelfSignedServer(directory: directory, process: process, port: port)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.signal(SIGKILL)
        _ = await process.wait(timeout: .seconds(5))
        throw HTTPTransportError.connect("TLS test server did not start")
    }

    func stop() async {
        process.signal(SIGKILL)
        _ = await process.wait(timeout: .seconds(5))
        directory.remove()
    }
}

@Suite("CurlHTTPClient TLS", .timeLimit(.minutes(5)), .enabled(if: SelfSignedServer.toolsAvailable))
struct TLSTests {
    @Test func untrustedCertificateIsCertificateErrorAndAcceptedOnlyWithVerificationOff() async throws {
        let server = try await SelfSignedServer.start()
        let url = "https://127.0.0.1:\(server.port)/secure"
        let verifying = CurlHTTPClient()
        var insecure = CurlHTTPConfiguration()
        insecure.verifyTLS = false
        let trusting = CurlHTTPClient(configuration: insecure)
        defer {
            verifying.shutdown()
            trusting.shutdown()
        }

        var response: HTTPResponse?
        do {
            do {
                _ = try await verifying.send(HTTPRequest(method: "GET", url: url))
                Issue.record("a self-signed certificate must not be trusted")
            } catch let error as HTTPTransportError {
                if case .certificate = error {} else { Issue.record("expected .certificate, got \(error)") }
            }
            response = try await trusting.send(HTTPRequest(method: "GET", url: url))
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
        #expect(response?.status == 200)
        #expect(response?.body == Array("ok".utf8))
    }
}
