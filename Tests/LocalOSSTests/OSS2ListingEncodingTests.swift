import Foundation
import TestSupport
import Testing

/// `encoding-type=url` on LocalOSS's listings, read by the official Python SDK (oss2), which decodes the
/// answers itself: every key comes back exactly, whatever it holds, over pages of two entries so that
/// continuation tokens and key markers go through the encoding too.
@Suite struct OSS2ListingEncodingTests {
    /// Keys XML 1.0 cannot carry (control characters, U+FFFF), ones its parser would change (CR), and ones a
    /// wrong decoder would confuse (`%` raw and encoded, `+` and space).
    static let keys = [
        "enc/ctl\u{1}.txt", "enc/esc\u{1B}.txt", "enc/nonchar\u{FFFF}.txt", "enc/cr\r.txt", "enc/lf\n.txt",
        "enc/crlf\r\n.txt", "enc/100%.txt", "enc/100%25.txt", "enc/a+b.txt", "enc/a b.txt",
        "enc/ünïcødé ✓ 日本.txt", "enc/dir\u{1}/x.txt",
    ]

    static let script = #"""
        import json, sys, oss2
        port, key_id, secret, keys = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
        bucket = oss2.Bucket(oss2.AuthV4(key_id, secret), 'http://127.0.0.1:' + port, 'interop', region='cn-hangzhou')
        for i, key in enumerate(keys):
            bucket.put_object(key, str(i).encode())
        out = {'listed': [], 'pages': 0}
        token = ''
        while True:
            r = bucket.list_objects_v2(prefix='enc/', continuation_token=token, encoding_type='url', max_keys=1000)
            out['listed'] += [o.key for o in r.object_list]
            out['pages'] += 1
            if not r.is_truncated:
                break
            token = r.next_continuation_token
        out['tree'] = [[o.key, o.is_prefix()] for o in oss2.ObjectIteratorV2(bucket, prefix='enc/', delimiter='/')]
        for key in keys:
            # oss2 asks for no encoding here; raw, the answer's Key would not parse (as on OSS).
            bucket.init_multipart_upload(key, params={'encoding-type': 'url'})
        out['uploads'] = [u.key for u in oss2.MultipartUploadIterator(bucket, prefix='enc/')]
        try:
            bucket.list_objects_v2(prefix='enc/', encoding_type='base64')
            out['unknown'] = {'status': 200, 'code': ''}
        except oss2.exceptions.OssError as e:
            out['unknown'] = {'status': e.status, 'code': e.code}
        print(json.dumps(out))
        """#

    struct Outcome: Decodable {
        struct Refusal: Decodable {
            var status: Int
            var code: String
        }
        var listed: [String]
        var pages: Int
        var tree: [[Entry]]
        var uploads: [String]
        var unknown: Refusal

        enum Entry: Decodable {
            case key(String)
            case isPrefix(Bool)
            init(from decoder: Decoder) throws {
                let value = try decoder.singleValueContainer()
                if let flag = try? value.decode(Bool.self) {
                    self = .isPrefix(flag)
                } else {
                    self = .key(try value.decode(String.self))
                }
            }
        }
    }

    /// Byte strings in byte order: how OSS lists, and exact where String's `==` is not (CR LF is one Character).
    private func bytes(_ keys: [String]) -> [[UInt8]] {
        keys.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
    }

    @Test func oss2ListsEveryKeyExactlyWithURLEncodingOverPagesAndAnUnknownEncodingIsRefused() async throws {
        let dir = try TemporaryDirectory("oss2-encoding")
        defer { dir.remove() }
        let keyFile = try dir.write("keys", "LTAIoss2encoding:oss2-encoding-secret\n")
        let server = try await LocalOSSProcess(arguments: [
            "--port", "0", "--data", dir.path + "/data", "--bucket", "interop", "--access-key-file", keyFile.path,
            "--region", "cn-hangzhou", "--list-page-limit", "2",
        ])
        defer { server.kill9() }
        let keys = String(decoding: try JSONSerialization.data(withJSONObject: Self.keys), as: UTF8.self)
        let result = try await TestHTTP.runProcess(
            "/usr/bin/env",
            ["python3", "-c", Self.script, "\(server.port)", "LTAIoss2encoding", "oss2-encoding-secret", keys]
        )
        #expect(result.status == 0, "oss2 run failed: \(result.stderr)")
        let outcome = try JSONDecoder().decode(Outcome.self, from: Data(result.stdout.utf8))

        #expect(outcome.listed.map { Array($0.utf8) } == bytes(Self.keys))
        #expect(outcome.pages == (Self.keys.count + 1) / 2)
        // With a delimiter: the directory is one common prefix, itself URL-encoded.
        var files: [String] = []
        var prefixes: [String] = []
        for entry in outcome.tree {
            guard case .key(let key) = entry.first, case .isPrefix(let isPrefix) = entry.last else { continue }
            if isPrefix { prefixes.append(key) } else { files.append(key) }
        }
        #expect(bytes(files) == bytes(Self.keys.filter { !$0.hasPrefix("enc/dir") }))
        #expect(bytes(prefixes) == bytes(["enc/dir\u{1}/"]))
        #expect(bytes(outcome.uploads) == bytes(Self.keys))
        #expect(outcome.unknown.status == 400 && outcome.unknown.code == "InvalidArgument")
        #expect(await server.terminate() == 0)
    }
}
