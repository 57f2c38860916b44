import Foundation
import LocalOSS
import OSSBatch
import OSSKit
import OSSProtocol
import TestSupport
import Testing

/// Server-side encryption end to end: manifest → plan → report → request headers → what LocalOSS stores and
/// returns; LocalOSS refuses what OSS refuses.
@Suite(.serialized)
struct ServerSideEncryptionTests {
    @Test func kmsOptionsReachOSSOnPutAndMultipartAndAreInThePlanAndTheReport() async throws {
        let h = try await EngineHarness.start("sse")
        defer { Task { await h.stop() } }
        try h.writeFile("small.txt", size: 300)
        try h.writeFile("big.bin", size: 1_500_000, seed: 2)
        try h.writeFile("sm4/other.bin", size: 200, seed: 3)
        let manifest = try h.writeManifest(
            upload: ["part_size: 512KiB", "multipart_threshold: 1MiB"],
            defaults: ["server_side_encryption: KMS", "sse_kms_key_id: 9468da86-key", "sse_data_encryption: SM4"]
        )
        let plan = try await h.ossbatch(["plan", manifest, "--json"])
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("9468da86-key") && plan.stdout.contains("\"KMS\""))

        let result = try await h.run(manifest)
        #expect(result.exitCode == 0, "\(result.stderr)")
        try h.expectAllStoredExactly()
        for key in ["data/small.txt", "data/big.bin", "data/sm4/other.bin"] {
            let headers = try #require(h.server.objectHeaders(bucket: h.bucket, key: key))
            #expect(headers["x-oss-server-side-encryption"] == "KMS", "\(key)")
            #expect(headers["x-oss-server-side-encryption-key-id"] == "9468da86-key", "\(key)")
            #expect(headers["x-oss-server-side-data-encryption"] == "SM4", "\(key)")
        }
        let report = try h.report()
        #expect(report.jobs.allSatisfy { $0.spec.options.serverSideEncryption == .kms })
        #expect(report.jobs.allSatisfy { $0.spec.options.sseKMSKeyID == "9468da86-key" })
        let text = try String(contentsOfFile: h.reportPath, encoding: .utf8)
        #expect(text.contains("9468da86-key"))
        // HEAD returns what was stored.
        let head = try #require(try await h.makeClient().headObject(bucket: h.bucket, key: "data/big.bin"))
        #expect(head.headers["x-oss-server-side-encryption"] == "KMS")
    }

    @Test func localOSSRefusesAnUnknownAlgorithmAndAKMSKeyWithoutKMS() async throws {
        let h = try await EngineHarness.start("sse-refused")
        defer { Task { await h.stop() } }
        let client = h.makeClient()
        await #expect {
            _ = try await client.putObject(
                bucket: h.bucket,
                key: "k",
                body: .bytes([1, 2, 3]),
                options: ObjectOptions(serverSideEncryption: .aes256, sseKMSKeyID: "key")
            )
        } throws: { error in
            guard case .service(let e, _)? = error as? OSSError else { return false }
            return e.httpStatus == 400 && e.code == .invalidArgument
        }
        await #expect {
            _ = try await client.initiateMultipartUpload(
                bucket: h.bucket,
                key: "k",
                options: ObjectOptions(sseDataEncryption: .sm4)
            )
        } throws: { error in
            (error as? OSSError)?.code == .invalidArgument
        }
        #expect(h.server.objectHeaders(bucket: h.bucket, key: "k") == nil)
        #expect(h.server.openUploadIDs(bucket: h.bucket).isEmpty)
    }
}
