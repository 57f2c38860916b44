import Digests
import Foundation
import LocalFiles
import NIOCore
import NIOHTTP1
import OSSProtocol

extension LocalOSSServer {
    func initiate(_ request: OSSRequest, bucket: String) throws(OSSRequestError) -> OSSResponse {
        let encoding = try ResponseKeyEncoding(request)
        if LocalOSSServer.forbidsOverwrite(request) && store.exists(bucket: bucket, key: request.objectKey) {
            throw ObjectStore.fileAlreadyExists(request.objectKey)
        }
        try request.checkEncryption()
        let upload = try store.initiate(
            bucket: bucket,
            key: request.objectKey,
            headers: StoredHeaders.pick(from: request)
        )
        var response = OSSResponse.xml(
            "<InitiateMultipartUploadResult>" + encoding.declaration + XMLText.element("Bucket", bucket)
                + encoding.element("Key", upload.key) + XMLText.element("UploadId", upload.uploadID)
                + "</InitiateMultipartUploadResult>"
        )
        response.headers.addEncryption(from: upload.headers)
        return response
    }

    func uploadPart(_ request: OSSRequest, bucket: String, body: BodyReader) async throws -> OSSResponse {
        guard let number = request.query["partNumber"].flatMap({ Int($0) }), (1...10_000).contains(number) else {
            throw OSSRequestError.invalidArgument("Part number must be an integer between 1 and 10000, inclusive.")
        }
        let upload = try store.upload(bucket: bucket, key: request.objectKey, id: request.query["uploadId"] ?? "")
        let received = try await receive(request, body: body)
        let part = StoredPart(
            number: number,
            size: received.size,
            etag: ObjectStore.etag(md5: received.md5),
            md5: received.md5,
            crc64: received.crc64,
            lastModified: Date(),
            dataFile: nil
        )
        let stored = try store.addPart(part, temporaryFile: received.sink.temporaryFile, to: upload)
        var response = OSSResponse()
        response.headers.add(name: "ETag", value: stored.etag)
        response.headers.add(name: "x-oss-hash-crc64ecma", value: "\(stored.crc64)")
        response.headers.addEncryption(from: upload.headers)
        return response
    }

    func complete(_ request: OSSRequest, bucket: String, body: BodyReader) async throws -> OSSResponse {
        let encoding = try ResponseKeyEncoding(request)
        let uploadID = request.query["uploadId"] ?? ""
        let upload = try store.upload(bucket: bucket, key: request.objectKey, id: uploadID)
        var document = try await body.collect()
        let text = document.readString(length: document.readableBytes) ?? ""
        let requested: [(number: Int, etag: String)]?
        if request.header("x-oss-complete-all")?.lowercased() == "yes" {
            guard text.isEmpty else {
                throw OSSRequestError.invalidArgument("Should not specify both complete all header and http body.")
            }
            requested = nil
        } else {
            if let md5 = request.header("content-md5"), md5 != Digests.MD5.hash(Array(text.utf8)).base64String {
                throw OSSRequestError(
                    400,
                    .invalidDigest,
                    "The Content-MD5 you specified is not valid.",
                    ec: "0016-00000401"
                )
            }
            requested = try LocalOSSServer.parseCompleteBody(text)
        }
        let parts = try store.partsToComplete(upload, requested: requested)
        let object = try store.complete(upload, parts: parts, forbidOverwrite: LocalOSSServer.forbidsOverwrite(request))
        // With `encoding-type=url` (the SDKs' default) the key is sent percent-encoded, as OSS does.
        var response = OSSResponse.xml(
            "<CompleteMultipartUploadResult>" + encoding.declaration
                + XMLText.element("Location", "\(endpoint.absoluteString)/\(bucket)/\(encoding.encode(object.key))")
                + XMLText.element("Bucket", bucket) + encoding.element("Key", object.key)
                + XMLText.element("ETag", object.etag) + "</CompleteMultipartUploadResult>"
        )
        response.headers.add(name: "ETag", value: object.etag)
        response.headers.add(name: "x-oss-hash-crc64ecma", value: "\(object.crc64)")
        response.headers.addEncryption(from: object.headers)
        return try await runCallback(request, object: object, base: response)
    }

    /// The parts a CompleteMultipartUpload body lists. Parsed with OSSProtocol's XML reader (FoundationXML), so
    /// entities such as Go clients' `&#34;` around ETags are decoded like OSS does.
    static func parseCompleteBody(_ text: String) throws(OSSRequestError) -> [(number: Int, etag: String)] {
        let malformed = OSSRequestError.malformedXML(
            "The XML you provided was not well-formed or did not validate against our published schema."
        )
        guard let root = XMLNode.parse(Array(text.utf8)), root.name == "CompleteMultipartUpload" else {
            throw malformed
        }
        var parts: [(Int, String)] = []
        for part in root.children("Part") {
            guard
                let n = part.text(of: "PartNumber").flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                ),
                let etag = part.text(of: "ETag")?.trimmingCharacters(in: .whitespacesAndNewlines)
            else { throw malformed }
            parts.append((n, etag))
        }
        return parts
    }

    func listParts(_ request: OSSRequest, bucket: String) throws(OSSRequestError) -> OSSResponse {
        let encoding = try ResponseKeyEncoding(request)
        let upload = try store.upload(bucket: bucket, key: request.objectKey, id: request.query["uploadId"] ?? "")
        let maxParts = pageSize(request.query["max-parts"], default: 1000)
        let marker = request.query["part-number-marker"].flatMap { Int($0) } ?? 0
        let numbers = upload.parts.keys.sorted().filter { $0 > marker }
        let page = numbers.prefix(maxParts)
        let truncated = numbers.count > maxParts
        var xml =
            "<ListPartsResult>" + encoding.declaration + XMLText.element("Bucket", bucket)
            + encoding.element("Key", upload.key)
            + XMLText.element("UploadId", upload.uploadID) + XMLText.element("PartNumberMarker", "\(marker)")
            + XMLText.element("NextPartNumberMarker", "\(page.last ?? marker)")
            + XMLText.element("MaxParts", "\(maxParts)")
            + XMLText.element("IsTruncated", truncated ? "true" : "false")
        for n in page {
            let p = upload.parts[n]!
            xml +=
                "<Part>" + XMLText.element("PartNumber", "\(n)")
                + XMLText.element("LastModified", LocalOSSServer.isoDate(p.lastModified))
                + XMLText.element("ETag", p.etag)
                + XMLText.element("HashCrc64ecma", "\(p.crc64)") + XMLText.element("Size", "\(p.size)") + "</Part>"
        }
        return .xml(xml + "</ListPartsResult>")
    }

    func listUploads(_ request: OSSRequest, bucket: String) throws(OSSRequestError) -> OSSResponse {
        let encoding = try ResponseKeyEncoding(request)
        let prefix = request.query["prefix"] ?? ""
        let keyMarker = request.query["key-marker"] ?? ""
        let idMarker = request.query["upload-id-marker"] ?? ""
        let maxUploads = pageSize(request.query["max-uploads"], default: 1000)
        let all = store.uploads(bucket: bucket, prefix: prefix).filter {
            keyMarker.isEmpty || ByteOrder.precedes(keyMarker, $0.key)
                || (ObjectKey($0.key) == ObjectKey(keyMarker) && !idMarker.isEmpty && $0.uploadID > idMarker)
        }
        let page = all.prefix(maxUploads)
        var xml =
            "<ListMultipartUploadsResult>" + encoding.declaration + XMLText.element("Bucket", bucket)
            + encoding.element("KeyMarker", keyMarker) + XMLText.element("UploadIdMarker", idMarker)
            + encoding.element("NextKeyMarker", page.last?.key ?? "")
            + XMLText.element("NextUploadIdMarker", page.last?.uploadID ?? "") + encoding.element("Delimiter", "")
            + encoding.element("Prefix", prefix) + XMLText.element("MaxUploads", "\(maxUploads)")
            + XMLText.element("IsTruncated", all.count > maxUploads ? "true" : "false")
        for u in page {
            xml +=
                "<Upload>" + encoding.element("Key", u.key) + XMLText.element("UploadId", u.uploadID)
                // Stamped by the server's clock, as `Date` is (`--clock-offset`).
                + XMLText.element("Initiated", LocalOSSServer.isoDate(u.initiated + configuration.clockOffset))
                + "</Upload>"
        }
        return .xml(xml + "</ListMultipartUploadsResult>")
    }

    func listObjects(_ request: OSSRequest, bucket: String) throws(OSSRequestError) -> OSSResponse {
        let encoding = try ResponseKeyEncoding(request)
        let prefix = request.query["prefix"] ?? ""
        let maxKeys = pageSize(request.query["max-keys"], default: 100)
        // The continuation token is the last key returned, base64-encoded so it is opaque like OSS's.
        let token = request.query["continuation-token"]
        let startAfter = request.query["start-after"]
        var after = startAfter
        if let token, !token.isEmpty {
            guard let data = Data(base64Encoded: token), let key = String(data: data, encoding: .utf8) else {
                throw OSSRequestError.invalidArgument("The continuation token provided is incorrect.")
            }
            after = key
        }
        let delimiter = request.query["delimiter"] ?? ""
        let (objects, commonPrefixes, next) = store.list(
            bucket: bucket,
            prefix: prefix,
            after: after,
            limit: maxKeys,
            delimiter: delimiter
        )
        var xml =
            "<ListBucketResult>" + encoding.declaration + XMLText.element("Name", bucket)
            + encoding.element("Prefix", prefix) + XMLText.element("MaxKeys", "\(maxKeys)")
            + encoding.element("Delimiter", delimiter)
            + XMLText.element("IsTruncated", next != nil ? "true" : "false")
            + XMLText.element("KeyCount", "\(objects.count + commonPrefixes.count)")
        if let startAfter, !startAfter.isEmpty { xml += encoding.element("StartAfter", startAfter) }
        if let token { xml += encoding.element("ContinuationToken", token) }
        if let next { xml += encoding.element("NextContinuationToken", Data(next.utf8).base64EncodedString()) }
        for o in objects {
            xml +=
                "<Contents>" + encoding.element("Key", o.key)
                + XMLText.element("LastModified", LocalOSSServer.isoDate(o.lastModified))
                + XMLText.element("ETag", o.etag)
                + XMLText.element("Type", o.isMultipart ? "Multipart" : "Normal") + XMLText.element("Size", "\(o.size)")
                + XMLText.element("StorageClass", o.headers["x-oss-storage-class"] ?? "Standard") + "</Contents>"
        }
        for p in commonPrefixes { xml += "<CommonPrefixes>" + encoding.element("Prefix", p) + "</CommonPrefixes>" }
        return .xml(xml + "</ListBucketResult>")
    }
}

extension LocalOSSServer {
    /// Entries per listing page: the request's `max-keys`/`max-uploads`/`max-parts` (or OSS's default),
    /// within 1…1000 as on OSS, and at most `configuration.listPageLimit`.
    func pageSize(_ requested: String?, default value: Int) -> Int {
        min(max(requested.flatMap { Int($0) } ?? value, 1), 1000, max(configuration.listPageLimit, 1))
    }
}
