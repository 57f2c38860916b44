import Digests
import Foundation
import TestSupport
import Testing

/// The official Python SDK (oss2) against `local-oss` as a process: a client we did not write.
/// It fails, not skips, when oss2 is missing (scripts/setup.sh installs it).
@Suite struct OSS2InteropTests {
    static let script = #"""
        import json, sys, oss2
        port, auth_version, key_id, secret = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
        endpoint = 'http://127.0.0.1:' + port
        if auth_version == 'v4':
            bucket = oss2.Bucket(oss2.AuthV4(key_id, secret), endpoint, 'interop', region='cn-hangzhou')
        else:
            bucket = oss2.Bucket(oss2.Auth(key_id, secret), endpoint, 'interop')
        out = {}
        small = bytes(range(256)) * 40
        r = bucket.put_object('dir/small file.bin', small, headers={'Content-Type': 'application/x-test', 'x-oss-meta-who': 'oss2'})
        out['put'] = {'status': r.status, 'etag': r.etag, 'crc': r.crc}
        key = 'dir/multi part.bin'
        upload_id = bucket.init_multipart_upload(key).upload_id
        part1 = bytes((i * 7) % 251 for i in range(102400 + 3))
        part2 = b'tail-of-the-object' * 10
        p1 = bucket.upload_part(key, upload_id, 1, part1)
        p2 = bucket.upload_part(key, upload_id, 2, part2)
        listed = bucket.list_parts(key, upload_id)
        out['parts'] = [{'n': p.part_number, 'size': p.size, 'etag': p.etag} for p in listed.parts]
        done = bucket.complete_multipart_upload(key, upload_id, [oss2.models.PartInfo(1, p1.etag), oss2.models.PartInfo(2, p2.etag)])
        out['complete'] = {'status': done.status, 'crc': done.crc}
        head = bucket.head_object(key)
        out['head'] = {'length': head.content_length, 'etag': head.etag, 'crc': head.server_crc}
        hs = bucket.head_object('dir/small file.bin')
        out['head_small'] = {'type': hs.content_type, 'meta': hs.headers.get('x-oss-meta-who')}
        out['get'] = bucket.get_object(key).read() == part1 + part2
        print(json.dumps(out))
        """#

    struct Outcome: Decodable {
        struct Put: Decodable {
            var status: Int
            var etag: String
            var crc: UInt64?
        }
        struct Part: Decodable {
            var n: Int
            var size: Int
            var etag: String
        }
        struct Complete: Decodable {
            var status: Int
            var crc: UInt64?
        }
        struct Head: Decodable {
            var length: Int
            var etag: String
            var crc: UInt64?
        }
        struct HeadSmall: Decodable {
            var type: String
            var meta: String?
        }
        var put: Put
        var parts: [Part]
        var complete: Complete
        var head: Head
        var head_small: HeadSmall
        var get: Bool
    }

    @Test(arguments: ["v1", "v4"])
    func oss2PutMultipartListPartsAndHeadAgainstLocalOSSProcess(signature: String) async throws {
        let dir = try TemporaryDirectory("oss2")
        defer { dir.remove() }
        let keyFile = try dir.write("keys", "LTAIoss2interop:oss2-secret/with+chars=\n")
        let server = try await LocalOSSProcess(arguments: [
            "--port", "0", "--data", dir.path + "/data", "--bucket", "interop",
            "--access-key-file", keyFile.path, "--region", "cn-hangzhou",
        ])
        defer { server.kill9() }
        let result = try await TestHTTP.runProcess(
            "/usr/bin/env",
            [
                "python3", "-c", Self.script, "\(server.port)", signature,
                "LTAIoss2interop", "oss2-secret/with+chars=",
            ]
        )
        #expect(result.status == 0, "oss2 run failed: \(result.stderr)")
        let outcome = try JSONDecoder().decode(Outcome.self, from: Data(result.stdout.utf8))

        let small = Data((0..<40).flatMap { _ in (0...255).map { UInt8($0) } })
        #expect(outcome.put.status == 200)
        #expect(outcome.put.etag == MD5.hash(small).hexString.uppercased())
        #expect(outcome.put.crc == CRC64.checksum(small))

        let part1 = Data((0..<(102_400 + 3)).map { UInt8(($0 * 7) % 251) })
        let part2 = Data(String(repeating: "tail-of-the-object", count: 10).utf8)
        #expect(outcome.parts.map(\.n) == [1, 2])
        #expect(outcome.parts.map(\.size) == [part1.count, part2.count])
        #expect(
            outcome.parts.map(\.etag) == [
                MD5.hash(part1).hexString.uppercased(), MD5.hash(part2).hexString.uppercased(),
            ]
        )
        #expect(outcome.complete.status == 200)
        #expect(outcome.complete.crc == CRC64.checksum(part1 + part2))
        #expect(outcome.head.length == part1.count + part2.count)
        #expect(outcome.head.etag == MD5.hash(MD5.hash(part1) + MD5.hash(part2)).hexString.uppercased() + "-2")
        #expect(outcome.head.crc == CRC64.checksum(part1 + part2))
        #expect(outcome.head_small.type == "application/x-test")
        #expect(outcome.head_small.meta == "oss2")
        #expect(outcome.get)
        #expect(await server.terminate() == 0)
    }
}
