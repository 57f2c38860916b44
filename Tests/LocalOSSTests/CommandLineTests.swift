import Foundation
import TestSupport
import Testing

/// The `local-oss` executable: first line, key sources, SIGTERM.
@Suite struct CommandLineTests {
    @Test func printsListeningPortFirstServesAndExitsOnSIGTERM() async throws {
        let dir = try TemporaryDirectory("local-oss-cli")
        defer { dir.remove() }
        let server = try await LocalOSSProcess(arguments: [
            "--port", "0", "--data", dir.path, "--bucket", "b1", "--bucket", "b2",
        ])
        defer { server.kill9() }
        #expect(server.firstLine.hasPrefix("listening 127.0.0.1:"))
        #expect(server.port > 0)
        let put = try await TestHTTP.send(
            "PUT",
            URL(string: "http://127.0.0.1:\(server.port)/b2/x")!,
            body: Data("1".utf8)
        )
        #expect(put.status == 200)
        let other = try await TestHTTP.send("GET", URL(string: "http://127.0.0.1:\(server.port)/b3/x")!)
        #expect(other.xml("Code") == "NoSuchBucket")
        #expect(await server.terminate() == 0)
    }

    @Test func acceptsAccessKeysFromAFileAndFromTheEnvironment() async throws {
        let dir = try TemporaryDirectory("local-oss-keys")
        defer { dir.remove() }
        let keyFile = try dir.write("keys", "# comment\nfile-id:file-secret\n")
        let server = try await LocalOSSProcess(
            arguments: [
                "--port", "0", "--data", dir.path + "/data", "--bucket", "b", "--access-key-file", keyFile.path,
            ],
            environment: ["LOCALOSS_ACCESS_KEYS": "env-id:env-secret,env-id2:s2"]
        )
        defer { server.kill9() }
        let url = URL(string: "http://127.0.0.1:\(server.port)/b/k")!
        // Keys are configured, so an unsigned request is refused; an unknown id is named as such.
        #expect(try await TestHTTP.send("GET", url).xml("Code") == "AccessDenied")
        for id in ["file-id", "env-id", "env-id2"] {
            let reply = try await TestHTTP.send("GET", url, headers: ["Authorization": "OSS \(id):AAAA", "Date": "x"])
            #expect(reply.xml("Code") == "SignatureDoesNotMatch", "\(id)")
        }
        let unknown = try await TestHTTP.send("GET", url, headers: ["Authorization": "OSS nobody:AAAA", "Date": "x"])
        #expect(unknown.xml("Code") == "InvalidAccessKeyId")
        await server.terminate()
    }
}
