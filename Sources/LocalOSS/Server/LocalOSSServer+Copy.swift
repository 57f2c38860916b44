import Foundation
import NIOHTTP1
import OSSProtocol

extension LocalOSSServer {
    /// CopyObject: `x-oss-copy-source` (`/bucket/key`, each URL-encoded) into this request's key. The metadata
    /// directive `COPY` (the default) keeps the source's headers, with this request's ACL, storage class,
    /// encryption and (under `x-oss-tagging-directive: Replace`) tags; `REPLACE` takes every header from this
    /// request. Answers the copy's ETag and CRC-64; a missing source is 404 NoSuchKey.
    func copyObject(_ request: OSSRequest, bucket: String) throws(OSSRequestError) -> OSSResponse {
        let key = request.objectKey
        if LocalOSSServer.forbidsOverwrite(request) && store.exists(bucket: bucket, key: key) {
            throw ObjectStore.fileAlreadyExists(key)
        }
        try request.checkEncryption()
        let opened = try copySource(request)
        let source = opened.object
        let copied = try store.copyData(of: opened, range: nil)
        var object = source
        object.bucket = bucket
        object.key = key
        object.lastModified = Date()
        object.dataFile = nil
        object.headers = try LocalOSSServer.copiedHeaders(request, source: source)
        if let md5 = copied.md5, !source.isMultipart { object.etag = ObjectStore.etag(md5: md5) }
        object.crc64 = copied.crc64
        let stored = try store.commit(
            object,
            temporaryFile: copied.temporaryFile,
            forbidOverwrite: LocalOSSServer.forbidsOverwrite(request)
        )
        var response = OSSResponse.xml(
            "<CopyObjectResult>" + XMLText.element("ETag", stored.etag)
                + XMLText.element("LastModified", LocalOSSServer.isoDate(stored.lastModified)) + "</CopyObjectResult>"
        )
        response.headers.add(name: "ETag", value: stored.etag)
        response.headers.add(name: "x-oss-hash-crc64ecma", value: "\(stored.crc64)")
        response.headers.addEncryption(from: stored.headers)
        return response
    }

    /// UploadPartCopy: a part of an open upload made from `x-oss-copy-source`, whole or the inclusive byte range
    /// `x-oss-copy-source-range: bytes=first-last`. Answers the part's ETag and CRC-64.
    func uploadPartCopy(_ request: OSSRequest, bucket: String) throws(OSSRequestError) -> OSSResponse {
        guard let number = request.query["partNumber"].flatMap({ Int($0) }), (1...10_000).contains(number) else {
            throw OSSRequestError.invalidArgument("Part number must be an integer between 1 and 10000, inclusive.")
        }
        let upload = try store.upload(bucket: bucket, key: request.objectKey, id: request.query["uploadId"] ?? "")
        let source = try copySource(request)
        let range = try LocalOSSServer.copyRange(request.header("x-oss-copy-source-range"), size: source.object.size)
        let copied = try store.copyData(of: source, range: range)
        guard let md5 = copied.md5 else {
            throw OSSRequestError(501, .notImplemented, "LocalOSS runs with --discard: UploadPartCopy needs the data.")
        }
        let part = StoredPart(
            number: number,
            size: copied.size,
            etag: ObjectStore.etag(md5: md5),
            md5: md5,
            crc64: copied.crc64,
            lastModified: Date(),
            dataFile: nil
        )
        let stored = try store.addPart(part, temporaryFile: copied.temporaryFile, to: upload)
        var response = OSSResponse.xml(
            "<CopyPartResult>" + XMLText.element("LastModified", LocalOSSServer.isoDate(stored.lastModified))
                + XMLText.element("ETag", stored.etag) + "</CopyPartResult>"
        )
        response.headers.add(name: "ETag", value: stored.etag)
        response.headers.add(name: "x-oss-hash-crc64ecma", value: "\(stored.crc64)")
        return response
    }

    /// The object `x-oss-copy-source` names, opened (`OpenedObject`): `/bucket/key` with both parts URL-encoded
    /// (a `?versionId=` is ignored: LocalOSS keeps no versions). With `x-oss-copy-source-if-match`, a source of
    /// another ETag is 412 PreconditionFailed, as OSS answers (`ETag.same`: quotes or not).
    private func copySource(_ request: OSSRequest) throws(OSSRequestError) -> OpenedObject {
        let opened = try copySourceObject(request)
        if let expected = request.header("x-oss-copy-source-if-match"), !ETag.same(expected, opened.object.etag) {
            throw OSSRequestError(
                412,
                .preconditionFailed,
                "At least one of the pre-conditions you specified did not hold."
            )
        }
        return opened
    }

    private func copySourceObject(_ request: OSSRequest) throws(OSSRequestError) -> OpenedObject {
        var raw = Substring(request.header("x-oss-copy-source") ?? "")
        if let query = raw.firstIndex(of: "?") { raw = raw[..<query] }
        if raw.hasPrefix("/") { raw = raw.dropFirst() }
        guard let slash = raw.firstIndex(of: "/"), raw.index(after: slash) < raw.endIndex else {
            throw OSSRequestError.invalidArgument("x-oss-copy-source must be /bucket/key.")
        }
        let sourceBucket = PercentEncoding.decode(String(raw[..<slash]))
        let sourceKey = PercentEncoding.decode(String(raw[raw.index(after: slash)...]))
        guard configuration.buckets.contains(sourceBucket) else { throw OSSRequestError.noSuchBucket(sourceBucket) }
        return try store.openObject(bucket: sourceBucket, key: sourceKey)
    }

    /// The inclusive range of `bytes=first-last` within an object of `size` bytes; nil (the whole object) when
    /// absent.
    static func copyRange(_ header: String?, size: UInt64) throws(OSSRequestError) -> ClosedRange<UInt64>? {
        guard let header else { return nil }
        let invalid = OSSRequestError.invalidArgument("x-oss-copy-source-range is not valid: \(header)")
        guard header.hasPrefix("bytes=") else { throw invalid }
        let bounds = header.dropFirst("bytes=".count).split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2, let first = UInt64(bounds[0]), let last = UInt64(bounds[1]), first <= last,
            last < size
        else { throw invalid }
        return first...last
    }

    /// The copy's headers: the source's under `COPY`, this request's under `REPLACE`.
    static func copiedHeaders(
        _ request: OSSRequest,
        source: StoredObject
    ) throws(OSSRequestError) -> [String: String] {
        let requested = StoredHeaders.pick(from: request)
        switch request.header("x-oss-metadata-directive")?.uppercased() ?? "COPY" {
        case "REPLACE": return requested
        case "COPY":
            var headers = source.headers
            let overriding = ["x-oss-object-acl", "x-oss-storage-class"] + StoredHeaders.encryption
            for name in overriding { if let value = requested[name] { headers[name] = value } }
            if request.header("x-oss-tagging-directive")?.uppercased() == "REPLACE" {
                headers["x-oss-tagging"] = requested["x-oss-tagging"]
            }
            return headers
        case let other: throw OSSRequestError.invalidArgument("x-oss-metadata-directive is not valid: \(other)")
        }
    }
}
