import Digests
import Foundation
import LocalOSS
import OSSKit
import OSSProtocol
import TestSupport
import Testing

/// CopyObject and UploadPartCopy through the real CurlHTTPClient against LocalOSS: no body bytes sent, the
/// copy byte-exact, its CRC-64 reported, the metadata directive honoured, a missing source a 404.
@Suite(.serialized) struct OSSClientCopyTests {
    static let bucket = OSSClientHarness.bucket

    @Test(arguments: SignatureVersion.allCases)
    func copyObjectWithReplaceTakesTheNewOptionsAndSendsNoBody(_ signature: SignatureVersion) async throws {
        let h = try await OSSClientHarness.start(signature: signature)
        defer { Task { await h.stop() } }
        let bytes = testBytes(150_001)
        let source = "2026-12-01/dir/a b+c&ü (1).bin"
        _ = try await h.client.putObject(
            bucket: Self.bucket,
            key: source,
            body: .bytes(bytes),
            options: ObjectOptions(contentType: "text/old", metadata: ["night": "1"])
        )
        h.server.stats.reset()
        let copy = try await h.client.copyObject(
            bucket: Self.bucket,
            key: "2026-12-02/dir/a b+c&ü (1).bin",
            sourceBucket: Self.bucket,
            sourceKey: source,
            options: ObjectOptions(contentType: "text/new", metadata: ["night": "2"], tags: ["t": "x"])
        )
        #expect(copy.crc64 == CRC64.checksum(bytes) && !copy.etag.isEmpty && !copy.requestID.isEmpty)
        let stats = h.server.stats.snapshot
        #expect(stats.requests(.copyObject) == 1 && stats.requestsByOperation.count == 1)
        #expect(stats.bytesReceived == 0)
        #expect(try await h.getObject("2026-12-02/dir/a b+c&ü (1).bin") == bytes)
        let head = try #require(
            try await h.client.headObject(bucket: Self.bucket, key: "2026-12-02/dir/a b+c&ü (1).bin")
        )
        #expect(head.contentType == "text/new" && head.metadata == ["night": "2"])
        #expect(head.headers["x-oss-tagging"] == "t=x")
    }

    @Test func copyObjectWithCopyKeepsTheSourceMetadata() async throws {
        let h = try await OSSClientHarness.start()
        defer { Task { await h.stop() } }
        _ = try await h.client.putObject(
            bucket: Self.bucket,
            key: "src",
            body: .bytes(testBytes(10)),
            options: ObjectOptions(contentType: "text/old", metadata: ["night": "1"])
        )
        _ = try await h.client.copyObject(
            bucket: Self.bucket,
            key: "dst",
            sourceBucket: Self.bucket,
            sourceKey: "src",
            options: ObjectOptions(contentType: "text/new", metadata: ["night": "2"]),
            metadataDirective: .copy
        )
        let head = try #require(try await h.client.headObject(bucket: Self.bucket, key: "dst"))
        #expect(head.contentType == "text/old" && head.metadata == ["night": "1"])
    }

    @Test func copyOfAMissingSourceIsNoSuchKey() async throws {
        let h = try await OSSClientHarness.start()
        defer { Task { await h.stop() } }
        let error = await #expect(throws: OSSError.self) {
            _ = try await h.client.copyObject(
                bucket: Self.bucket,
                key: "dst",
                sourceBucket: Self.bucket,
                sourceKey: "gone",
                options: ObjectOptions()
            )
        }
        #expect(error?.code == .noSuchKey)
        #expect(try await h.client.headObject(bucket: Self.bucket, key: "dst") == nil)
    }

    @Test func uploadPartCopyBuildsAnExactObjectFromRanges() async throws {
        let h = try await OSSClientHarness.start()
        defer { Task { await h.stop() } }
        let partSize: Int64 = 120 * 1024
        let bytes = testBytes(Int(partSize) * 2 + 999)
        _ = try await h.client.putObject(bucket: Self.bucket, key: "old/big", body: .bytes(bytes), options: .init())
        let uploadID = try await h.client.initiateMultipartUpload(
            bucket: Self.bucket,
            key: "new/big",
            options: ObjectOptions(contentType: "application/x-new")
        ).uploadID
        h.server.stats.reset()
        var parts: [CompletedPart] = []
        var combined = CRC64()
        for number in 1...3 {
            let first = Int64(number - 1) * partSize
            let last = min(first + partSize, Int64(bytes.count)) - 1
            let part = try await h.client.uploadPartCopy(
                bucket: Self.bucket,
                key: "new/big",
                uploadID: uploadID,
                partNumber: number,
                sourceBucket: Self.bucket,
                sourceKey: "old/big",
                range: first...last
            )
            #expect(part.crc64Confirmed && part.crc64 == CRC64.checksum(bytes[Int(first)...Int(last)]))
            #expect(part.size == last - first + 1)
            combined.append(crc: part.crc64, length: UInt64(part.size))
            parts.append(CompletedPart(partNumber: number, etag: part.etag))
        }
        #expect(h.server.stats.snapshot.requests(.uploadPartCopy) == 3)
        #expect(h.server.stats.snapshot.bytesReceived == 0)
        _ = try await h.client.completeMultipartUpload(
            bucket: Self.bucket,
            key: "new/big",
            uploadID: uploadID,
            parts: parts,
            callback: nil
        )
        #expect(combined.value == CRC64.checksum(bytes))
        #expect(try await h.getObject("new/big") == bytes)
        let head = try #require(try await h.client.headObject(bucket: Self.bucket, key: "new/big"))
        #expect(head.crc64 == CRC64.checksum(bytes) && head.contentType == "application/x-new")
    }

    @Test func aCopyRangeOutsideTheSourceIsRefused() async throws {
        let h = try await OSSClientHarness.start()
        defer { Task { await h.stop() } }
        _ = try await h.client.putObject(bucket: Self.bucket, key: "s", body: .bytes(testBytes(100)), options: .init())
        let uploadID = try await h.client.initiateMultipartUpload(bucket: Self.bucket, key: "d", options: .init())
            .uploadID
        let error = await #expect(throws: OSSError.self) {
            _ = try await h.client.uploadPartCopy(
                bucket: Self.bucket,
                key: "d",
                uploadID: uploadID,
                partNumber: 1,
                sourceBucket: Self.bucket,
                sourceKey: "s",
                range: 50...100
            )
        }
        #expect(error?.code == .invalidArgument)
    }
}
