import CurlHTTP
import Digests
import Foundation
import LocalOSS
import OSSKit
import OSSProtocol
import Synchronization
import TestSupport
import Testing

/// OSSClient over the real CurlHTTPClient against LocalOSS on 127.0.0.1: every operation and error path.
@Suite(.serialized) struct OSSClientTests {
    static let bucket = OSSClientHarness.bucket

    @Test(arguments: SignatureVersion.allCases)
    func putObjectStoresExactBytesWithOptionsAndHeadReportsThem(_ signature: SignatureVersion) async throws {
        let h = try await OSSClientHarness.start(signature: signature)
        defer { Task { await h.stop() } }
        let bytes = testBytes(70_001)
        let key = "dir/a b+c&ü (1).bin"
        let options = ObjectOptions(
            contentType: "application/x-test",
            metadata: ["Owner": "etl"],
            tags: ["t": "1"],
            cacheControl: "no-cache"
        )
        let put = try await h.client.putObject(bucket: Self.bucket, key: key, body: .bytes(bytes), options: options)
        #expect(put.crc64 == CRC64.checksum(bytes))
        #expect(put.attempts == 1 && put.status == 200 && !put.requestID.isEmpty && !put.etag.isEmpty)

        let head = try #require(try await h.client.headObject(bucket: Self.bucket, key: key))
        #expect(head.size == 70_001 && head.crc64 == put.crc64 && head.etag == put.etag)
        #expect(head.contentType == "application/x-test")
        #expect(head.metadata == ["owner": "etl"])
        #expect(head.headers["cache-control"] == "no-cache")
        #expect(try await h.getObject(key) == bytes)
    }

    @Test func putObjectFromAFileRangeWithContentMD5() async throws {
        let h = try await OSSClientHarness.start()
        defer { Task { await h.stop() } }
        let bytes = testBytes(300_000)
        let file = try OpenFile(in: h.directory, name: "src.bin", bytes: bytes)
        defer { file.close() }
        let put = try await h.client.putObject(
            bucket: Self.bucket,
            key: "range.bin",
            body: .file(descriptor: file.descriptor, offset: 1000, length: 200_000),
            options: ObjectOptions(),
            contentMD5: true
        )
        #expect(put.crc64 == CRC64.checksum(bytes[1000..<201_000]))
        #expect(try await h.getObject("range.bin") == Array(bytes[1000..<201_000]))
    }

    @Test func headOfAMissingObjectIsNil() async throws {
        let h = try await OSSClientHarness.start()
        defer { Task { await h.stop() } }
        #expect(try await h.client.headObject(bucket: Self.bucket, key: "nope") == nil)
    }

    @Test(arguments: SignatureVersion.allCases)
    func multipartUploadFromFileRangesCompletesToTheExactObject(_ signature: SignatureVersion) async throws {
        let h = try await OSSClientHarness.start(signature: signature)
        defer { Task { await h.stop() } }
        let partSize = 120 * 1024
        let bytes = testBytes(partSize * 2 + 777)
        let file = try OpenFile(in: h.directory, name: "big.bin", bytes: bytes)
        defer { file.close() }
        let key = "multi/part file.bin"
        let options = ObjectOptions(contentType: "application/pdf", metadata: ["source": "nas01"])
        let uploadID = try await h.client.initiateMultipartUpload(bucket: Self.bucket, key: key, options: options)
            .uploadID
        #expect(!uploadID.isEmpty)

        var completed: [CompletedPart] = []
        var combined = CRC64()
        for number in [3, 1, 2] {  // out of order on purpose: Complete must sort them
            let offset = Int64((number - 1) * partSize)
            let length = min(Int64(partSize), Int64(bytes.count) - offset)
            let part = try await h.client.uploadPart(
                bucket: Self.bucket,
                key: key,
                uploadID: uploadID,
                partNumber: number,
                body: .file(descriptor: file.descriptor, offset: offset, length: length),
                contentMD5: number == 2
            )
            #expect(part.crc64 == CRC64.checksum(bytes[Int(offset)..<Int(offset + length)]) && part.size == length)
            completed.append(CompletedPart(partNumber: number, etag: part.etag))
        }
        combined.update(bytes)

        let listed = try await h.client.listParts(bucket: Self.bucket, key: key, uploadID: uploadID)
        #expect(listed.map(\.partNumber) == [1, 2, 3])
        #expect(listed.map(\.size) == [Int64(partSize), Int64(partSize), 777])
        let uploads = try await h.client.listMultipartUploads(bucket: Self.bucket, prefix: "multi/")
        #expect(uploads.map(\.uploadID) == [uploadID] && uploads.first?.key == key)

        let done = try await h.client.completeMultipartUpload(
            bucket: Self.bucket,
            key: key,
            uploadID: uploadID,
            parts: completed,
            callback: nil
        )
        #expect(done.crc64 == combined.value && !done.etag.isEmpty && done.attempts == 1)
        let head = try #require(try await h.client.headObject(bucket: Self.bucket, key: key))
        #expect(
            head.size == Int64(bytes.count) && head.metadata["source"] == "nas01"
                && head.contentType == "application/pdf"
        )
        #expect(try await h.getObject(key) == bytes)
        #expect(try await h.client.listMultipartUploads(bucket: Self.bucket, prefix: "multi/").isEmpty)
    }

    @Test func listingsFollowEveryPage() async throws {
        let h = try await OSSClientHarness.start()
        defer { Task { await h.stop() } }
        var configuration = h.client.configuration
        configuration.listPageSize = 2
        let client = OSSClient(
            configuration: configuration,
            credentials: Credentials(
                accessKeyID: OSSClientHarness.keyID,
                accessKeySecret: OSSClientHarness.secret
            ),
            transport: h.http
        )
        for i in 0..<5 {
            _ = try await client.putObject(
                bucket: Self.bucket,
                key: "list/\(i)",
                body: .bytes([UInt8(i)]),
                options: ObjectOptions()
            )
        }
        _ = try await client.putObject(bucket: Self.bucket, key: "other", body: .bytes([9]), options: ObjectOptions())
        let objects = try await client.listObjectsV2(bucket: Self.bucket, prefix: "list/")
        #expect(objects.map(\.key) == (0..<5).map { "list/\($0)" } && objects.allSatisfy { $0.size == 1 })

        let uploadID = try await client.initiateMultipartUpload(
            bucket: Self.bucket,
            key: "parts",
            options: ObjectOptions()
        ).uploadID
        for n in 1...5 {
            _ = try await client.uploadPart(
                bucket: Self.bucket,
                key: "parts",
                uploadID: uploadID,
                partNumber: n,
                body: .bytes([UInt8(n)])
            )
        }
        #expect(
            try await client.listParts(bucket: Self.bucket, key: "parts", uploadID: uploadID).map(\.partNumber) == [
                1, 2, 3, 4, 5,
            ]
        )
        var ids = [uploadID]
        for _ in 0..<4 {
            ids.append(
                try await client.initiateMultipartUpload(bucket: Self.bucket, key: "parts", options: ObjectOptions())
                    .uploadID
            )
        }
        let uploads = try await client.listMultipartUploads(bucket: Self.bucket, prefix: "")
        #expect(Set(uploads.map(\.uploadID)) == Set(ids) && uploads.count == 5)
    }

    @Test func abortRemovesTheUploadAndItsIDThenAnswersNoSuchUpload() async throws {
        let h = try await OSSClientHarness.start()
        defer { Task { await h.stop() } }
        let uploadID = try await h.client.initiateMultipartUpload(
            bucket: Self.bucket,
            key: "ab",
            options: ObjectOptions()
        ).uploadID
        _ = try await h.client.uploadPart(
            bucket: Self.bucket,
            key: "ab",
            uploadID: uploadID,
            partNumber: 1,
            body: .bytes([1, 2])
        )
        try await h.client.abortMultipartUpload(bucket: Self.bucket, key: "ab", uploadID: uploadID)
        #expect(try await h.client.listMultipartUploads(bucket: Self.bucket, prefix: "ab").isEmpty)
        let error = await #expect(throws: OSSError.self) {
            _ = try await h.client.listParts(bucket: Self.bucket, key: "ab", uploadID: uploadID)
        }
        #expect(error?.code == .noSuchUpload)
        guard case .service(let service, let attempts)? = error else {
            Issue.record("not a service error")
            return
        }
        #expect(service.httpStatus == 404 && attempts == 1 && !service.requestID.isEmpty)
    }

    @Test func serverRulesComeBackAsTypedServiceErrorsWithoutRetries() async throws {
        let h = try await OSSClientHarness.start()
        defer { Task { await h.stop() } }
        func code(_ body: () async throws -> Void) async -> (String?, Int?) {
            do {
                try await body()
                return (nil, nil)
            } catch let e as OSSError {
                if case .service(let s, let attempts) = e { return (s.code.rawValue, attempts) }
                return ("\(e)", nil)
            } catch { return ("\(error)", nil) }
        }
        let missingBucket = await code {
            _ = try await h.client.putObject(bucket: "nobucket", key: "k", body: .bytes([1]), options: ObjectOptions())
        }
        #expect(missingBucket.0 == "NoSuchBucket" && missingBucket.1 == 1)

        _ = try await h.client.putObject(
            bucket: Self.bucket,
            key: "exists",
            body: .bytes([1]),
            options: ObjectOptions()
        )
        let overwrite = await code {
            _ = try await h.client.putObject(
                bucket: Self.bucket,
                key: "exists",
                body: .bytes([2]),
                options: ObjectOptions(forbidOverwrite: true)
            )
        }
        #expect(overwrite.0 == "FileAlreadyExists" && overwrite.1 == 1)

        let id = try await h.client.initiateMultipartUpload(bucket: Self.bucket, key: "small", options: ObjectOptions())
            .uploadID
        let p1 = try await h.client.uploadPart(
            bucket: Self.bucket,
            key: "small",
            uploadID: id,
            partNumber: 1,
            body: .bytes([1])
        )
        let p2 = try await h.client.uploadPart(
            bucket: Self.bucket,
            key: "small",
            uploadID: id,
            partNumber: 2,
            body: .bytes([2])
        )
        let tooSmall = await code {
            _ = try await h.client.completeMultipartUpload(
                bucket: Self.bucket,
                key: "small",
                uploadID: id,
                parts: [
                    CompletedPart(partNumber: 1, etag: p1.etag),
                    CompletedPart(partNumber: 2, etag: p2.etag),
                ],
                callback: nil
            )
        }
        #expect(tooSmall.0 == "EntityTooSmall" && tooSmall.1 == 1)
        let badPart = await code {
            _ = try await h.client.completeMultipartUpload(
                bucket: Self.bucket,
                key: "small",
                uploadID: id,
                parts: [CompletedPart(partNumber: 2, etag: "\"00\"")],
                callback: nil
            )
        }
        #expect(badPart.0 == "InvalidPart" && badPart.1 == 1)
        #expect(h.retries.isEmpty)
    }

    @Test func wrongSecretIsSignatureDoesNotMatchWithARequestIDAndNoRetry() async throws {
        let h = try await OSSClientHarness.start(secret: "not-the-secret")
        defer { Task { await h.stop() } }
        let error = await #expect(throws: OSSError.self) {
            _ = try await h.client.putObject(bucket: Self.bucket, key: "k", body: .bytes([1]), options: ObjectOptions())
        }
        guard case .service(let service, let attempts)? = error else {
            Issue.record("not a service error: \(String(describing: error))")
            return
        }
        #expect(service.code == .signatureDoesNotMatch && service.httpStatus == 403 && attempts == 1)
        #expect(!service.requestID.isEmpty && "\(error!)".contains(service.requestID))
        #expect(!"\(error!)".contains("not-the-secret"))
        let head = await #expect(throws: OSSError.self) {
            _ = try await h.client.headObject(bucket: Self.bucket, key: "k")
        }
        #expect(head?.code != nil)
    }

    @Test func a503ThenSuccessIsRetriedAndReported() async throws {
        let h = try await OSSClientHarness.start()
        defer { Task { await h.stop() } }
        h.server.faults.add(.failNth(1, .putObject, status: 503, code: .serviceUnavailable))
        let put = try await h.client.putObject(
            bucket: Self.bucket,
            key: "retry",
            body: .bytes(testBytes(1000)),
            options: ObjectOptions()
        )
        #expect(put.attempts == 2)
        #expect(h.operations == ["PutObject 503", "PutObject 200"])
        #expect(
            h.retries.count == 1 && h.retries.first?.operation == "PutObject"
                && h.retries.first?.error.code == .serviceUnavailable
        )
    }

    @Test func persistentServerErrorsStopAtThePolicysAttempts() async throws {
        let h = try await OSSClientHarness.start(attempts: 3)
        defer { Task { await h.stop() } }
        h.server.faults.add(
            FaultRule(
                operation: .initiateMultipartUpload,
                count: nil,
                action: .fail(status: 500, code: .internalError)
            )
        )
        let error = await #expect(throws: OSSError.self) {
            _ = try await h.client.initiateMultipartUpload(bucket: Self.bucket, key: "k", options: ObjectOptions())
                .uploadID
        }
        guard case .service(let service, let attempts)? = error else {
            Issue.record("not a service error")
            return
        }
        #expect(service.code == .internalError && attempts == 3 && h.retries.map(\.attempt) == [1, 2])
    }

    /// The caller's gate (`beforeAttempt`) is awaited before every attempt, the first and each retry.
    @Test func everyAttemptWaitsForTheCallersGate() async throws {
        let asked = Mutex(0)
        let h = try await OSSClientHarness.start(beforeAttempt: { asked.withLock { $0 += 1 } })
        defer { Task { await h.stop() } }
        h.server.faults.add(
            FaultRule(operation: .putObject, count: 2, action: .fail(status: 503, code: .serviceUnavailable))
        )
        let put = try await h.client.putObject(
            bucket: Self.bucket,
            key: "gated",
            body: .bytes(testBytes(1000)),
            options: ObjectOptions()
        )
        #expect(put.attempts == 3)
        #expect(asked.withLock { $0 } == 3)
        #expect(h.operations == ["PutObject 503", "PutObject 503", "PutObject 200"])
    }

    /// A listing of several pages is one call and one request number for the batch, but each page is a request
    /// of its own: the gate is asked before each (a batch holding requests learns from the next page's ask that
    /// the last was answered).
    @Test func eachPageOfAListingWaitsForTheCallersGate() async throws {
        let asked = Mutex(0)
        let h = try await OSSClientHarness.start(
            configure: { $0.listPageLimit = 1 },
            beforeAttempt: { asked.withLock { $0 += 1 } }
        )
        defer { Task { await h.stop() } }
        for key in ["a", "b", "c"] {
            _ = try await h.client.putObject(
                bucket: Self.bucket,
                key: key,
                body: .bytes(testBytes(10)),
                options: ObjectOptions()
            )
        }
        asked.withLock { $0 = 0 }
        let listed = try await h.client.listObjectsV2(bucket: Self.bucket, prefix: "")
        #expect(listed.map(\.key) == ["a", "b", "c"])
        #expect(asked.withLock { $0 } == 3)
    }

    /// An attempt held by the gate when its task is cancelled (a halted run) is not sent.
    @Test func anAttemptHeldWhenItsTaskIsCancelledIsNotSent() async throws {
        let h = try await OSSClientHarness.start(beforeAttempt: { try? await Task.sleep(for: .seconds(30)) })
        defer { Task { await h.stop() } }
        let put = Task {
            try await h.client.putObject(
                bucket: Self.bucket,
                key: "held",
                body: .bytes(testBytes(1000)),
                options: ObjectOptions()
            )
        }
        try await Task.sleep(for: .milliseconds(200))
        put.cancel()
        let error = await #expect(throws: OSSError.self) { _ = try await put.value }
        guard case .transport(.cancelled, let attempts)? = error else {
            Issue.record("not a cancellation: \(String(describing: error))")
            return
        }
        #expect(attempts == 0)
        #expect(h.operations.isEmpty, "\(h.operations)")
    }

    @Test func aResetMidBodyIsRetriedAndTheObjectIsExact() async throws {
        let h = try await OSSClientHarness.start()
        defer { Task { await h.stop() } }
        let bytes = testBytes(400_000)
        let file = try OpenFile(in: h.directory, name: "reset.bin", bytes: bytes)
        defer { file.close() }
        h.server.faults.add(FaultRule(operation: .uploadPart, action: .resetAfterBodyBytes(100_000)))
        let id = try await h.client.initiateMultipartUpload(bucket: Self.bucket, key: "reset", options: ObjectOptions())
            .uploadID
        // A fresh transport: on a reused connection libcurl itself re-sends a request the peer dropped before
        // answering, which would hide the reset from OSSClient.
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        let fresh = OSSClient(
            configuration: h.client.configuration,
            credentials: Credentials(
                accessKeyID: OSSClientHarness.keyID,
                accessKeySecret: OSSClientHarness.secret
            ),
            transport: http
        )
        let part = try await fresh.uploadPart(
            bucket: Self.bucket,
            key: "reset",
            uploadID: id,
            partNumber: 1,
            body: .file(descriptor: file.descriptor, offset: 0, length: Int64(bytes.count))
        )
        #expect(part.attempts == 2 && part.crc64 == CRC64.checksum(bytes), "\(h.operations) \(h.retries)")
        guard case .transport? = h.retries.first?.error else {
            Issue.record("expected a transport retry: \(h.retries)")
            return
        }
        _ = try await h.client.completeMultipartUpload(
            bucket: Self.bucket,
            key: "reset",
            uploadID: id,
            parts: [CompletedPart(partNumber: 1, etag: part.etag)],
            callback: nil
        )
        #expect(try await h.getObject("reset") == bytes)
    }

    @Test func aWrongCRCFromTheServerIsAnIntegrityErrorAfterOneResend() async throws {
        let h = try await OSSClientHarness.start()
        defer { Task { await h.stop() } }
        h.server.faults.add(FaultRule(operation: .putObject, count: nil, action: .wrongCRC))
        let bytes = testBytes(5000)
        let error = await #expect(throws: OSSError.self) {
            _ = try await h.client.putObject(
                bucket: Self.bucket,
                key: "crc",
                body: .bytes(bytes),
                options: ObjectOptions()
            )
        }
        guard case .integrity(let expected, let received, let rid, let attempts)? = error else {
            Issue.record("not integrity: \(String(describing: error))")
            return
        }
        #expect(expected == CRC64.checksum(bytes) && received != expected && !rid.isEmpty)
        #expect(h.operations.count == 1 + RetryPolicy.integrityRetries)
        #expect(attempts == h.operations.count, "the error counts the re-sent request")
    }

    @Test func aWrongCRCOnceIsHealedByTheResend() async throws {
        let h = try await OSSClientHarness.start()
        defer { Task { await h.stop() } }
        h.server.faults.add(FaultRule(operation: .uploadPart, count: 1, action: .wrongCRC))
        let id = try await h.client.initiateMultipartUpload(bucket: Self.bucket, key: "crc1", options: ObjectOptions())
            .uploadID
        let part = try await h.client.uploadPart(
            bucket: Self.bucket,
            key: "crc1",
            uploadID: id,
            partNumber: 1,
            body: .bytes([7, 7])
        )
        #expect(part.attempts == 2)
    }

    @Test func requestTimeTooSkewedCorrectsTheClockAndSendsTheRequestAgain() async throws {
        let h = try await OSSClientHarness.start()
        defer { Task { await h.stop() } }
        // Not HEAD: its error has no body, so no code to act on (as on OSS).
        h.server.faults.add(.failNth(1, .listObjectsV2, status: 403, code: .requestTimeTooSkewed))
        #expect(try await h.client.listObjectsV2(bucket: Self.bucket, prefix: "none").isEmpty)
        #expect(h.retries.isEmpty, "sent again at once, not a retry: \(h.retries)")
        #expect(abs(h.client.clockOffset) <= 2)
    }

    /// Under `retries.attempts: 1` too: the request refused for a skewed clock goes again once, signed at the
    /// server's time. It failed there (every job in flight when the first answer came), and once more the
    /// second time it was refused so (review of b827939).
    @Test func aSkewedClockIsCorrectedAndTheRequestSentAgainOnceEvenWithoutRetries() async throws {
        let h = try await OSSClientHarness.start(attempts: 1) {
            $0.clockOffset = 7200
            $0.maxClockSkew = 900
        }
        defer { Task { await h.stop() } }
        #expect(try await h.client.listObjectsV2(bucket: Self.bucket, prefix: "none").isEmpty)
        #expect(abs(h.client.clockOffset - 7200) <= 2)
        h.server.faults.add(.failNth(1, .listObjectsV2, status: 403, code: .requestTimeTooSkewed))
        h.server.faults.add(.failNth(2, .listObjectsV2, status: 403, code: .requestTimeTooSkewed))
        let error = await #expect(throws: OSSError.self) {
            _ = try await h.client.listObjectsV2(bucket: Self.bucket, prefix: "none")
        }
        #expect(error?.code == .requestTimeTooSkewed)
    }

    @Test func aFailingCallbackIs203CallbackFailedButTheObjectIsStored() async throws {
        let h = try await OSSClientHarness.start()
        defer { Task { await h.stop() } }
        // Port 1 on loopback refuses connections: the callback cannot be delivered.
        let callback = UploadCallback(
            url: "http://127.0.0.1:1/cb",
            body: "bucket=${bucket}&object=${object}&b=${x:batch}",
            vars: ["batch": "n1"]
        )
        let error = await #expect(throws: OSSError.self) {
            _ = try await h.client.putObject(
                bucket: Self.bucket,
                key: "cb",
                body: .bytes([1, 2, 3]),
                options: ObjectOptions(callback: callback)
            )
        }
        guard case .service(let service, let attempts)? = error else {
            Issue.record("not a service error")
            return
        }
        #expect(service.httpStatus == 203 && service.code == .callbackFailed && attempts == 1)
        #expect(service.details["body"] != nil)
        #expect(try await h.client.headObject(bucket: Self.bucket, key: "cb")?.size == 3)
    }

    @Test func aConnectionRefusedIsATransportErrorAfterEveryAttempt() async throws {
        let http = CurlHTTPClient()
        defer { http.shutdown() }
        let client = OSSClient(
            configuration: OSSClientConfiguration(
                endpoint: "http://127.0.0.1:1",
                region: "cn-hangzhou",
                addressing: .path,
                retry: RetryPolicy(attempts: 2, baseDelay: 0.01, maxDelay: 0.01)
            ),
            credentials: Credentials(accessKeyID: "id", accessKeySecret: "s"),
            transport: http
        )
        let error = await #expect(throws: OSSError.self) { _ = try await client.headObject(bucket: "b", key: "k") }
        guard case .transport(.connect, let attempts)? = error else {
            Issue.record("not connect: \(String(describing: error))")
            return
        }
        #expect(attempts == 2)
    }
}
