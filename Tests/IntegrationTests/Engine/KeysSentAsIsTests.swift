import Digests
import Foundation
import OSSBatch
import TestSupport
import Testing

/// Object keys are sent exactly as given — `.` and `..` segments, `//`, `%`, `+`, `?`, `#`, spaces — and
/// signed as sent: the real binary uploads to LocalOSS, and the official Python SDK (oss2) reads every object
/// back by its key; oss2 uploads, and ossbatch finds each of those objects by its key.
@Suite(.serialized)
struct KeysSentAsIsTests {
    static let keys = [
        "dots/a/../b.txt", "dots/a/./b.txt", "dots/../up.txt", "dots/./here.txt", "dots/a/..", "dots/a/.",
        "dots/x/y/../../z.txt", "double//slash.txt", "trailing//", "pct/100%25 and %zz%.txt", "plus/a+b.txt",
        "q/what?x=1&y=2.txt", "hash/#frag#.txt", "space/with space .txt", " lead and trail ",
    ]

    /// oss2 (V4, path style) against the harness's server. argv: port, key id, secret, command, JSON.
    /// `get`: {key: md5} → {key: md5 of what GetObject returned}. `put`: {key: file path} → PutObject each.
    static let script = #"""
        import hashlib, json, sys, oss2
        port, key_id, secret, command, arg = sys.argv[1:6]
        bucket = oss2.Bucket(oss2.AuthV4(key_id, secret), 'http://127.0.0.1:' + port, 'batch-bucket', region='local')
        out = {}
        for key, value in json.loads(arg).items():
            if command == 'get':
                out[key] = hashlib.md5(bucket.get_object(key).read()).hexdigest()
            else:
                with open(value, 'rb') as f:
                    out[key] = bucket.put_object(key, f.read()).status
        print(json.dumps(out))
        """#

    private func oss2(
        _ h: EngineHarness,
        _ command: String,
        _ argument: [String: String]
    ) async throws -> [String: String] {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: argument), as: UTF8.self)
        let result = try await ProcessRunner.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", "-c", Self.script, "\(h.server.port)", h.accessKeyID, h.secret, command, json]
        )
        #expect(result.exitCode == 0, "oss2 failed: \(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        return object.mapValues { "\($0)" }
    }

    /// One source file per key (`src/N.bin`), and a manifest giving each its key under `prefix`.
    private func writeBatch(_ h: EngineHarness, prefix: String, extraUpload: [String] = []) throws -> String {
        var lines = [
            "version: 1", "target:", "  endpoint: \(h.endpoint)", "  region: local", "  bucket: \(h.bucket)",
            "  addressing: path", "upload:", "  checkpoint_dir: state/checkpoints",
        ]
        lines += extraUpload.map { "  " + $0 }
        lines.append("files:")
        for (i, key) in Self.keys.enumerated() {
            try h.writeFile("\(i).bin", size: 1000 + 37 * i, seed: UInt64(i + 1))
            lines += ["  - source: src/\(i).bin", "    key: \"\(prefix)\(key)\""]
        }
        return try h.dir.write(
            "keys-\(prefix.isEmpty ? "plain" : "prefixed").yaml",
            lines.joined(separator: "\n") + "\n"
        ).path
    }

    private func source(_ h: EngineHarness, _ i: Int) -> URL {
        h.dir.url.appendingPathComponent("src/\(i).bin")
    }

    @Test func keysWithDotSegmentsAndSpecialCharactersAreStoredUnderExactlyThoseKeysAndOSS2ReadsThemBack()
        async throws
    {
        let h = try await EngineHarness.start("keys")
        defer { Task { await h.stop() } }
        let manifest = try writeBatch(h, prefix: "")
        let result = try await h.run(manifest)
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let report = try h.report()
        #expect(Set(report.jobs.map(\.spec.key)) == Set(Self.keys))

        // LocalOSS holds exactly these keys, each with its file's bytes: nothing under a normalised key.
        let stored = try await h.makeClient().listObjectsV2(bucket: h.bucket, prefix: "")
        #expect(Set(stored.map(\.key)) == Set(Self.keys))
        var expected: [String: String] = [:]
        for (i, key) in Self.keys.enumerated() {
            let md5 = try EngineHarness.md5(of: source(h, i))
            expected[key] = md5
            #expect(h.storedMD5(key) == md5, "object \(key)")
        }
        // A second, independent client finds every object by its key.
        await #expect(try oss2(h, "get", expected) == expected)
    }

    @Test func objectsOSS2UploadedAreFoundByOssbatchUnderTheSameKeys() async throws {
        let h = try await EngineHarness.start("keys-reverse")
        defer { Task { await h.stop() } }
        let manifest = try writeBatch(h, prefix: "rev/", extraUpload: ["if_exists: skip"])
        var files: [String: String] = [:]
        for (i, key) in Self.keys.enumerated() { files["rev/" + key] = source(h, i).path }
        await #expect(try oss2(h, "put", files).values.allSatisfy { $0 == "200" })

        // ossbatch HEADs each key and finds an object of the same size and CRC-64: nothing is sent again.
        let result = try await h.run(manifest)
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let report = try h.report()
        #expect(report.totals.skipped == Self.keys.count, "\(report.jobs.map { ($0.spec.key, $0.outcome.status) })")
        #expect(h.server.log.all.filter { $0.operation == .putObject }.count == Self.keys.count, "only oss2's PUTs")
    }

    @Test func aKeyWithANulByteIsRefusedByThePlannerAtItsManifestLine() async throws {
        let dir = try TemporaryDirectory("nul-key")
        defer { dir.remove() }
        try dir.write("a.txt", "a\n")
        let manifest = try dir.write(
            "nul.yaml",
            """
            version: 1
            target:
              endpoint: https://oss-cn-hangzhou.aliyuncs.com
              bucket: cli-bucket
            files:
              - source: a.txt
                key: "bad\\0key.txt"

            """
        )
        let result = try await ProcessRunner.run(Products.url("ossbatch"), ["plan", manifest.path])
        #expect(result.exitCode == 2)
        // The entry's line (6) or its key's (7), with the column.
        #expect(
            result.stderr.contains("\(manifest.path):6:") || result.stderr.contains("\(manifest.path):7:"),
            "\(result.stderr)"
        )
        #expect(result.stderr.contains("bad\\0key.txt"), "\(result.stderr)")
        #expect(result.stderr.contains("NUL"), "\(result.stderr)")
    }
}
