import Digests
import OSSProtocol

extension OSSClient {
    /// Uploads `body` as `key` with `options` (callback included). A CRC-64 the server reports is checked
    /// against the bytes sent; with `requireCRC64` (the default) an answer without one throws
    /// `OSSError.missingCRC64`. With `contentMD5` the body's MD5 is computed first and sent as `Content-MD5`
    /// (the server refuses a body that does not match it), and an ETag of MD5 form must equal it (not under
    /// SSE-KMS, whose ETags need not be MD5s).
    public func putObject(
        bucket: String,
        key: String,
        body: ObjectBody,
        options: ObjectOptions,
        contentMD5: Bool = false,
        requireCRC64: Bool = true
    ) async throws -> PutObjectResult {
        var headers = options.headers + (options.callback?.headers ?? [])
        let md5 = contentMD5 ? try Self.contentMD5(of: body) : nil
        if let md5 { headers.append(("Content-MD5", md5.base64String)) }
        let operation = OperationSpec(
            name: "PutObject",
            method: "PUT",
            bucket: bucket,
            key: key,
            headers: headers,
            body: body
        )
        return try await perform(operation) { (response, attempt) throws(OSSError) in
            let crc = try Self.checkedCRC(response, operation: operation.name, required: requireCRC64)
            let etag = response.header("ETag") ?? ""
            // Under SSE-KMS the ETag need not be the MD5 of the bytes sent; Content-MD5 proved them already.
            if let md5, options.serverSideEncryption != .kms { try Self.checkETag(etag, md5: md5, response) }
            return PutObjectResult(
                etag: etag,
                crc64: response.sentBodyCRC64,
                crc64Confirmed: crc != nil,
                requestID: Self.requestID(response),
                status: response.status,
                callbackBody: options.callback == nil ? nil : String(decoding: response.body, as: UTF8.self),
                attempts: attempt
            )
        }
    }

    /// `nil` when the object does not exist (404).
    public func headObject(bucket: String, key: String) async throws -> ObjectHead? {
        let operation = OperationSpec(
            name: "HeadObject",
            method: "HEAD",
            bucket: bucket,
            key: key,
            acceptsNotFound: true
        )
        return try await perform(operation) { (response, _) throws(OSSError) -> ObjectHead? in
            guard response.status != 404 else { return nil }
            let rid = Self.requestID(response)
            guard let length = response.header("Content-Length").flatMap({ Int64($0) }) else {
                throw .invalidResponse("HeadObject: no Content-Length", requestID: rid)
            }
            var metadata: [String: String] = [:]
            var headers: [String: String] = [:]
            for header in response.headers {
                let name = header.name.lowercased()
                headers[name] = header.value
                if name.hasPrefix("x-oss-meta-") {
                    metadata[String(name.dropFirst("x-oss-meta-".count))] = header.value
                }
            }
            return ObjectHead(
                size: length,
                etag: response.header("ETag") ?? "",
                crc64: response.header("x-oss-hash-crc64ecma").flatMap { UInt64($0) },
                contentType: response.header("Content-Type"),
                metadata: metadata,
                headers: headers,
                requestID: rid
            )
        }
    }

    /// Deletes `key` (OSS answers 204 whether or not it existed).
    public func deleteObject(bucket: String, key: String) async throws {
        let operation = OperationSpec(name: "DeleteObject", method: "DELETE", bucket: bucket, key: key)
        try await perform(operation) { (_, _) throws(OSSError) in () }
    }

    // MARK: shared response helpers

    static func requestID(_ response: HTTPResponse) -> String { response.header("x-oss-request-id") ?? "" }

    /// The server's `x-oss-hash-crc64ecma`, which must equal the CRC-64 of the bytes sent; `nil` when the
    /// answer has none and `required` is false.
    static func checkedCRC(
        _ response: HTTPResponse,
        operation: String,
        required: Bool
    ) throws(OSSError) -> UInt64? {
        let rid = requestID(response)
        guard let text = response.header("x-oss-hash-crc64ecma") else {
            if required { throw .missingCRC64(operation: operation, requestID: rid) }
            return nil
        }
        guard let received = UInt64(text) else {
            throw .invalidResponse("x-oss-hash-crc64ecma is not a decimal CRC: \(text)", requestID: rid)
        }
        guard received == response.sentBodyCRC64 else {
            throw .integrity(expected: response.sentBodyCRC64, received: received, requestID: rid)
        }
        return received
    }

    /// A PutObject ETag of MD5 form (32 hex digits, quoted or not) must be the MD5 sent as `Content-MD5`. Other
    /// forms (a server whose ETags are not MD5s) prove nothing either way; `Content-MD5` already did.
    static func checkETag(_ etag: String, md5: [UInt8], _ response: HTTPResponse) throws(OSSError) {
        var bare = Substring(etag)
        if bare.hasPrefix("\"") && bare.hasSuffix("\"") && bare.count >= 2 { bare = bare.dropFirst().dropLast() }
        guard bare.utf8.count == 32, bare.allSatisfy(\.isHexDigit) else { return }
        guard bare.lowercased() != md5.hexString.lowercased() else { return }
        throw .invalidResponse(
            "the ETag \(etag) is not the MD5 of the bytes sent (\(md5.hexString))",
            requestID: requestID(response)
        )
    }

    /// MD5 of a request body, read once before sending (`Content-MD5` is a header, so it precedes the body).
    static func contentMD5(of body: ObjectBody) throws(OSSError) -> [UInt8] {
        switch body {
        case .none: return MD5.hash([UInt8]())
        case .bytes(let bytes): return MD5.hash(bytes)
        case .file(let descriptor, let offset, let length):
            do {
                return try FileDigest.md5(descriptor: descriptor, offset: offset, length: length)
            } catch {
                throw .transport(.bodyRead(error.description), attempts: 0)
            }
        }
    }
}
