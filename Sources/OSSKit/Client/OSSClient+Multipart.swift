import Digests
import OSSProtocol

extension OSSClient {
    /// Starts an upload. Not idempotent: an attempt whose answer was lost may have started another upload of
    /// this key, which stays open until aborted (the engine looks for such uploads after every Initiate).
    public func initiateMultipartUpload(
        bucket: String,
        key: String,
        options: ObjectOptions
    ) async throws -> MultipartInitiation {
        // The callback belongs to Complete, not here; every other option is fixed now. The answer names the
        // key: raw, a key XML 1.0 cannot carry (`\u{1}`) would make it unreadable (`ListingEncoding`).
        let operation = OperationSpec(
            name: "InitiateMultipartUpload",
            method: "POST",
            bucket: bucket,
            key: key,
            query: [.init("uploads"), .init("encoding-type", "url")],
            headers: options.headers
        )
        return try await perform(operation) { (response, attempt) throws(OSSError) in
            guard let root = XMLNode.parse(response.body), let id = root.text(of: "UploadId"), !id.isEmpty else {
                throw .invalidResponse(
                    "InitiateMultipartUpload: no UploadId in the answer",
                    requestID: Self.requestID(response)
                )
            }
            return MultipartInitiation(uploadID: id, attempts: attempt)
        }
    }

    /// Uploads one part (1…10,000); the server's CRC-64 of the part is checked against the bytes sent, and with
    /// `requireCRC64` an answer without one throws `OSSError.missingCRC64`. `contentMD5` as for `putObject`
    /// (the part's ETag is not compared).
    public func uploadPart(
        bucket: String,
        key: String,
        uploadID: String,
        partNumber: Int,
        body: ObjectBody,
        contentMD5: Bool = false,
        requireCRC64: Bool = true
    ) async throws -> UploadPartResult {
        var headers: [(name: String, value: String)] = []
        if contentMD5 { headers.append(("Content-MD5", try Self.contentMD5(of: body).base64String)) }
        let operation = OperationSpec(
            name: "UploadPart",
            method: "PUT",
            bucket: bucket,
            key: key,
            query: [.init("partNumber", String(partNumber)), .init("uploadId", uploadID)],
            headers: headers,
            body: body
        )
        return try await perform(operation) { (response, attempt) throws(OSSError) in
            let crc = try Self.checkedCRC(response, operation: operation.name, required: requireCRC64)
            return UploadPartResult(
                partNumber: partNumber,
                etag: response.header("ETag") ?? "",
                crc64: response.sentBodyCRC64,
                crc64Confirmed: crc != nil,
                size: body.length,
                requestID: Self.requestID(response),
                attempts: attempt
            )
        }
    }

    /// Completes the upload from `parts` (sorted here by part number), with an optional callback.
    public func completeMultipartUpload(
        bucket: String,
        key: String,
        uploadID: String,
        parts: [CompletedPart],
        callback: UploadCallback?,
        forbidOverwrite: Bool = false
    ) async throws -> CompleteMultipartUploadResult {
        let xml = Array(Self.completeBody(parts).utf8)
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/xml"),
            ("Content-MD5", MD5.hash(xml).base64String),
        ]
        // OSS checks `x-oss-forbid-overwrite` when the object is made, at Complete, where the header must be
        // sent again (its documentation: leave it out of Complete to allow overwriting): sent at Initiate alone,
        // an object that appeared in between was overwritten under `if_exists: fail`.
        if forbidOverwrite { headers.append(("x-oss-forbid-overwrite", "true")) }
        headers += callback?.headers ?? []
        let operation = OperationSpec(
            name: "CompleteMultipartUpload",
            method: "POST",
            bucket: bucket,
            key: key,
            // The answer names the key, as Initiate's does.
            query: [.init("uploadId", uploadID), .init("encoding-type", "url")],
            headers: headers,
            body: .bytes(xml)
        )
        return try await perform(operation) { (response, attempt) throws(OSSError) in
            // With a callback the body is the receiver's reply, not the result XML.
            let root = callback == nil ? XMLNode.parse(response.body) : nil
            let etag = root?.text(of: "ETag") ?? response.header("ETag") ?? ""
            return CompleteMultipartUploadResult(
                etag: etag,
                crc64: response.header("x-oss-hash-crc64ecma").flatMap { UInt64($0) },
                requestID: Self.requestID(response),
                callbackBody: callback == nil ? nil : String(decoding: response.body, as: UTF8.self),
                attempts: attempt
            )
        }
    }

    /// Aborts the upload; its parts are deleted.
    public func abortMultipartUpload(bucket: String, key: String, uploadID: String) async throws {
        let operation = OperationSpec(
            name: "AbortMultipartUpload",
            method: "DELETE",
            bucket: bucket,
            key: key,
            query: [.init("uploadId", uploadID)]
        )
        try await perform(operation) { (_, _) throws(OSSError) in () }
    }

    /// `<CompleteMultipartUpload>` with one `<Part>` per part, ascending by part number.
    public static func completeBody(_ parts: [CompletedPart]) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUpload>"
        for part in parts.sorted(by: { $0.partNumber < $1.partNumber }) {
            xml += "<Part><PartNumber>\(part.partNumber)</PartNumber><ETag>\(xmlEscaped(part.etag))</ETag></Part>"
        }
        return xml + "</CompleteMultipartUpload>"
    }
}
