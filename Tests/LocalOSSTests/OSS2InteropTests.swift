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

    static let noCRC64Script = #"""
        import json, sys, oss2
        port, key_id, secret = sys.argv[1], sys.argv[2], sys.argv[3]
        bucket = oss2.Bucket(oss2.AuthV4(key_id, secret), 'http://127.0.0.1:' + port, 'interop',
                             region='cn-hangzhou', enable_crc=False)
        out = {}
        small = bytes(range(256)) * 40
        r = bucket.put_object('plain.bin', small)
        out['put'] = {'status': r.status, 'crc_header': 'x-oss-hash-crc64ecma' in r.headers}
        key = 'multi.bin'
        upload_id = bucket.init_multipart_upload(key).upload_id
        part1 = bytes((i * 7) % 251 for i in range(102400 + 3))
        part2 = b'tail' * 100
        p1 = bucket.upload_part(key, upload_id, 1, part1)
        p2 = bucket.upload_part(key, upload_id, 2, part2)
        out['part_crc_header'] = 'x-oss-hash-crc64ecma' in p1.headers
        try:
            bucket.list_parts(key, upload_id)
            out['list_parts'] = 200
        except oss2.exceptions.OssError as e:
            out['list_parts'] = e.status
        try:
            list(oss2.MultipartUploadIterator(bucket))
            out['list_uploads'] = 200
        except oss2.exceptions.OssError as e:
            out['list_uploads'] = e.status
        done = bucket.complete_multipart_upload(key, upload_id, [oss2.models.PartInfo(1, p1.etag), oss2.models.PartInfo(2, p2.etag)])
        out['complete'] = {'status': done.status, 'crc_header': 'x-oss-hash-crc64ecma' in done.headers}
        head = bucket.head_object(key)
        out['head'] = {'length': head.content_length, 'crc_header': 'x-oss-hash-crc64ecma' in head.headers}
        out['get'] = bucket.get_object(key).read() == part1 + part2 and bucket.get_object('plain.bin').read() == small
        print(json.dumps(out))
        """#

    struct NoCRC64Outcome: Decodable {
        struct Answer: Decodable {
            var status: Int
            var crc_header: Bool
        }
        struct Head: Decodable {
            var length: Int
            var crc_header: Bool
        }
        var put: Answer
        var part_crc_header: Bool
        var list_parts: Int
        var list_uploads: Int
        var complete: Answer
        var head: Head
        var get: Bool
    }

    /// `local-oss --no-crc64` with oss2's CRC checking off: a second client for servers without CRC-64.
    @Test func oss2WithoutCRCCheckingUploadsToLocalOSSWithoutCRC64AndMeets501ForListings() async throws {
        let dir = try TemporaryDirectory("oss2-nocrc")
        defer { dir.remove() }
        let keyFile = try dir.write("keys", "LTAIoss2interop:oss2-secret/with+chars=\n")
        let server = try await LocalOSSProcess(arguments: [
            "--port", "0", "--data", dir.path + "/data", "--bucket", "interop",
            "--access-key-file", keyFile.path, "--region", "cn-hangzhou", "--no-crc64",
        ])
        defer { server.kill9() }
        let result = try await TestHTTP.runProcess(
            "/usr/bin/env",
            ["python3", "-c", Self.noCRC64Script, "\(server.port)", "LTAIoss2interop", "oss2-secret/with+chars="]
        )
        #expect(result.status == 0, "oss2 run failed: \(result.stderr)")
        let outcome = try JSONDecoder().decode(NoCRC64Outcome.self, from: Data(result.stdout.utf8))
        #expect(outcome.put.status == 200 && !outcome.put.crc_header)
        #expect(!outcome.part_crc_header)
        #expect(outcome.list_parts == 501 && outcome.list_uploads == 501)
        #expect(outcome.complete.status == 200 && !outcome.complete.crc_header)
        #expect(outcome.head.length == 102_403 + 400 && !outcome.head.crc_header)
        #expect(outcome.get)
        #expect(await server.terminate() == 0)
    }
}
