import Foundation
import NIOCore
import NIOHTTP1
import OSSProtocol

extension LocalOSSServer {
    func putObject(_ request: OSSRequest, bucket: String, body: BodyReader) async throws -> OSSResponse {
        let key = request.objectKey
        if LocalOSSServer.forbidsOverwrite(request) && store.exists(bucket: bucket, key: key) {
            throw ObjectStore.fileAlreadyExists(key)
        }
        try request.checkEncryption()
        let received = try await receive(request, body: body)
        let object = StoredObject(
            bucket: bucket,
            key: key,
            size: received.size,
            etag: ObjectStore.etag(md5: received.md5),
            crc64: received.crc64,
            lastModified: Date(),
            headers: StoredHeaders.pick(from: request),
            dataFile: nil,
            isMultipart: false
        )
        let stored = try store.commit(
            object,
            temporaryFile: received.sink.temporaryFile,
            forbidOverwrite: LocalOSSServer.forbidsOverwrite(request)
        )
        var response = OSSResponse()
        response.headers.add(name: "ETag", value: stored.etag)
        response.headers.add(name: "x-oss-hash-crc64ecma", value: "\(stored.crc64)")
        response.headers.add(name: "Content-MD5", value: received.md5.base64String)
        response.headers.addEncryption(from: stored.headers)
        return try await runCallback(request, object: stored, base: response)
    }

    /// GET and HEAD: the object's stored headers, ETag, CRC-64; GET streams the data file.
    func getObject(_ request: OSSRequest, bucket: String) throws(OSSRequestError) -> OSSResponse {
        // A GET's data opened now, with its metadata: the bytes sent are the ones these headers describe.
        let opened =
            request.method == "GET"
            ? try store.openObject(bucket: bucket, key: request.objectKey)
            : OpenedObject(object: try store.object(bucket: bucket, key: request.objectKey), data: nil)
        let object = opened.object
        var response = OSSResponse()
        for (name, value) in object.headers.sorted(by: { $0.key < $1.key }) {
            response.headers.add(name: LocalOSSServer.wireName(name), value: value)
        }
        response.headers.add(name: "ETag", value: object.etag)
        response.headers.add(name: "x-oss-hash-crc64ecma", value: "\(object.crc64)")
        response.headers.add(name: "Last-Modified", value: LocalOSSServer.httpDate(object.lastModified))
        response.headers.add(name: "x-oss-object-type", value: object.isMultipart ? "Multipart" : "Normal")
        if object.headers["x-oss-storage-class"] == nil {
            response.headers.add(name: "x-oss-storage-class", value: "Standard")
        }
        response.headers.add(name: "Accept-Ranges", value: "bytes")
        if request.method == "GET", let data = opened.data {
            response.body = .file(data, length: object.size)
        } else if request.method == "GET" && object.size > 0 {
            // Discard mode keeps no bytes: a GET cannot be answered truthfully.
            throw OSSRequestError(501, .notImplemented, "LocalOSS runs with --discard: object data is not kept.")
        } else {
            response.body = .lengthOnly(object.size)
        }
        return response
    }

    /// Canonical capitalisation for the plain headers; `x-oss-*` stay lower-case as OSS sends them.
    static func wireName(_ lower: String) -> String {
        switch lower {
        case "content-type": return "Content-Type"
        case "cache-control": return "Cache-Control"
        case "content-disposition": return "Content-Disposition"
        case "content-encoding": return "Content-Encoding"
        case "expires": return "Expires"
        default: return lower
        }
    }
}
