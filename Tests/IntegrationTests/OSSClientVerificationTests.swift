import Digests
import LocalOSS
import OSSKit
import OSSProtocol
import TestSupport
import Testing

/// How OSSClient proves an upload: CRC-64 required or not, Content-MD5 and the PutObject ETag, against LocalOSS
/// with and without CRC-64.
@Suite(.serialized) struct OSSClientVerificationTests {
    static let bucket = OSSClientHarness.bucket

    @Test func anAnswerWithoutCRC64IsMissingCRC64WhenRequiredAndIsNotRetried() async throws {
        let h = try await OSSClientHarness.start { $0.withoutCRC64 = true }
        defer { Task { await h.stop() } }
        await #expect {
            _ = try await h.client.putObject(
                bucket: Self.bucket,
                key: "k",
                body: .bytes(testBytes(1000)),
                options: ObjectOptions()
            )
        } throws: { error in
            guard case .missingCRC64(let operation, let rid, _)? = error as? OSSError else { return false }
            return operation == "PutObject" && !rid.isEmpty
        }
        #expect(h.operations == ["PutObject 200"])
    }

    @Test func withoutRequiringCRC64AnUploadSucceedsUnconfirmedAndContentMD5StillGuardsTheBytes() async throws {
        let h = try await OSSClientHarness.start { $0.withoutCRC64 = true }
        defer { Task { await h.stop() } }
        let bytes = testBytes(150_000)
        let put = try await h.client.putObject(
            bucket: Self.bucket,
            key: "k",
            body: .bytes(bytes),
            options: ObjectOptions(),
            contentMD5: true,
            requireCRC64: false
        )
        #expect(!put.crc64Confirmed)
        #expect(put.crc64 == CRC64.checksum(bytes))
        let id = try await h.client.initiateMultipartUpload(bucket: Self.bucket, key: "m", options: ObjectOptions())
        let part = try await h.client.uploadPart(
            bucket: Self.bucket,
            key: "m",
            uploadID: id.uploadID,
            partNumber: 1,
            body: .bytes(bytes),
            contentMD5: true,
            requireCRC64: false
        )
        #expect(!part.crc64Confirmed && part.crc64 == CRC64.checksum(bytes))
        await #expect {
            _ = try await h.client.listParts(bucket: Self.bucket, key: "m", uploadID: id.uploadID)
        } throws: { error in
            (error as? OSSError)?.code == .notImplemented
        }
        // 501 is not retried: the server does not have the operation.
        #expect(h.operations.filter { $0.hasPrefix("ListParts") } == ["ListParts 501"])
        #expect(try await h.getObject("k") == bytes)
    }

    @Test func aServerCRC64IsConfirmedWhenSent() async throws {
        let h = try await OSSClientHarness.start()
        defer { Task { await h.stop() } }
        let put = try await h.client.putObject(
            bucket: Self.bucket,
            key: "k",
            body: .bytes(testBytes(10)),
            options: ObjectOptions(),
            requireCRC64: false
        )
        #expect(put.crc64Confirmed)
    }

    @Test func aPutObjectETagThatIsNotTheMD5SentIsRefusedWithContentMD5() async throws {
        let h = try await OSSClientHarness.start(attempts: 1)
        defer { Task { await h.stop() } }
        h.server.faults.add(FaultRule(operation: .putObject, count: nil, action: .wrongETag))
        await #expect {
            _ = try await h.client.putObject(
                bucket: Self.bucket,
                key: "k",
                body: .bytes(testBytes(500)),
                options: ObjectOptions(),
                contentMD5: true
            )
        } throws: { error in
            guard case .invalidResponse(let message, _, _)? = error as? OSSError else { return false }
            return message.contains("is not the MD5")
        }
        // Under SSE-KMS an ETag need not be the MD5: not compared (Content-MD5 still is).
        _ = try await h.client.putObject(
            bucket: Self.bucket,
            key: "kms",
            body: .bytes(testBytes(500)),
            options: ObjectOptions(serverSideEncryption: .kms),
            contentMD5: true
        )
        // Without Content-MD5 the ETag is not compared.
        _ = try await h.client.putObject(
            bucket: Self.bucket,
            key: "k2",
            body: .bytes(testBytes(500)),
            options: ObjectOptions()
        )
    }
}
