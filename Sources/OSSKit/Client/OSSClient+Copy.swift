import OSSProtocol

extension OSSClient {
    /// Makes `key` a server-side copy of `sourceBucket`/`sourceKey` (no body is sent). Under `.replace` the copy
    /// gets `options` (content type, metadata, ACL, storage class, tags, encryption); under `.copy` the source's
    /// metadata and this call's ACL, storage class and encryption. The answer's CRC-64 is returned for the
    /// caller to compare with what it expects; with `requireCRC64` an answer without one throws
    /// `OSSError.missingCRC64`. A missing source throws the service's 404 `NoSuchKey`. With `sourceETag`
    /// (`x-oss-copy-source-if-match`), a source of another ETag is refused 412 `PreconditionFailed` and nothing is
    /// made. OSS copies objects up to 1 GiB this way; larger ones need `uploadPartCopy`.
    public func copyObject(
        bucket: String,
        key: String,
        sourceBucket: String,
        sourceKey: String,
        sourceETag: String? = nil,
        options: ObjectOptions,
        metadataDirective: MetadataDirective = .replace,
        requireCRC64: Bool = true
    ) async throws -> CopyObjectResult {
        var headers =
            options.headers + [
                ("x-oss-copy-source", Self.copySource(bucket: sourceBucket, key: sourceKey)),
                ("x-oss-metadata-directive", metadataDirective.rawValue),
            ]
        if let sourceETag { headers.append(("x-oss-copy-source-if-match", sourceETag)) }
        if metadataDirective == .replace { headers.append(("x-oss-tagging-directive", "Replace")) }
        let operation = OperationSpec(name: "CopyObject", method: "PUT", bucket: bucket, key: key, headers: headers)
        return try await perform(operation) { (response, attempt) throws(OSSError) in
            CopyObjectResult(
                etag: Self.copyETag(response),
                crc64: try Self.reportedCRC(response, operation: operation.name, required: requireCRC64),
                requestID: Self.requestID(response),
                attempts: attempt
            )
        }
    }

    /// Makes part `partNumber` of an open upload from `range` (inclusive byte offsets) of
    /// `sourceBucket`/`sourceKey`, server-side. The result's `crc64` is the server's CRC-64 of the part
    /// (`crc64Confirmed` false when it sent none and `requireCRC64` is off). `sourceETag` as in `copyObject`.
    public func uploadPartCopy(
        bucket: String,
        key: String,
        uploadID: String,
        partNumber: Int,
        sourceBucket: String,
        sourceKey: String,
        sourceETag: String? = nil,
        range: ClosedRange<Int64>,
        requireCRC64: Bool = true
    ) async throws -> UploadPartResult {
        var headers = [
            ("x-oss-copy-source", Self.copySource(bucket: sourceBucket, key: sourceKey)),
            ("x-oss-copy-source-range", "bytes=\(range.lowerBound)-\(range.upperBound)"),
        ]
        if let sourceETag { headers.append(("x-oss-copy-source-if-match", sourceETag)) }
        let operation = OperationSpec(
            name: "UploadPartCopy",
            method: "PUT",
            bucket: bucket,
            key: key,
            query: [.init("partNumber", String(partNumber)), .init("uploadId", uploadID)],
            headers: headers
        )
        return try await perform(operation) { (response, attempt) throws(OSSError) in
            let crc = try Self.reportedCRC(response, operation: operation.name, required: requireCRC64)
            return UploadPartResult(
                partNumber: partNumber,
                etag: Self.copyETag(response),
                crc64: crc ?? 0,
                crc64Confirmed: crc != nil,
                size: range.upperBound - range.lowerBound + 1,
                requestID: Self.requestID(response),
                attempts: attempt
            )
        }
    }

    /// A copy's ETag: the `ETag` header (which OSS sends, and the official Python SDK reads), else the answer's
    /// `<CopyObjectResult>`/`<CopyPartResult>` (which the Go SDKs read): a server giving only the body gave
    /// every part an empty ETag, and its Complete failed `InvalidPart` (review of ca63f16).
    package static func copyETag(_ response: HTTPResponse) -> String {
        response.header("ETag") ?? XMLNode.parse(response.body)?.text(of: "ETag") ?? ""
    }

    /// `/bucket/key`, each part URL-encoded (`/` in the key too), as `x-oss-copy-source` wants it.
    static func copySource(bucket: String, key: String) -> String {
        "/" + PercentEncoding.encode(bucket) + "/" + PercentEncoding.encode(key)
    }

    /// The server's `x-oss-hash-crc64ecma` of an object it made itself (nothing was sent to compare it with).
    static func reportedCRC(_ response: HTTPResponse, operation: String, required: Bool) throws(OSSError) -> UInt64? {
        let rid = requestID(response)
        guard let text = response.header("x-oss-hash-crc64ecma") else {
            if required { throw .missingCRC64(operation: operation, requestID: rid) }
            return nil
        }
        guard let value = UInt64(text) else {
            throw .invalidResponse("x-oss-hash-crc64ecma is not a decimal CRC: \(text)", requestID: rid)
        }
        return value
    }
}
