import Digests
import Foundation
import NIOCore
import NIOHTTP1
import OSSProtocol

extension LocalOSSServer {
    /// Authenticates, applies `fail`/`respond`/`wrong…` faults and runs the operation.
    func respond(to request: OSSRequest, body: BodyReader, actions: [FaultAction]) async throws -> OSSResponse {
        for case .fail(let status, let code) in actions {
            throw OSSRequestError(status, code, "Injected by a LocalOSS fault rule.", ec: "9999-00000000")
        }
        for case .respond(let status, let text) in actions {
            try await body.drain()
            var response = OSSResponse.xml("", status: HTTPResponseStatus(statusCode: status))
            response.body = .bytes(ByteBuffer(string: text))
            return response
        }
        try verifier.verify(request, now: now)
        try checkRequestTime(request)
        guard let bucket = request.bucket else {
            throw OSSRequestError(400, .invalidArgument, "LocalOSS serves bucket and object requests only.")
        }
        guard configuration.buckets.contains(bucket) else { throw OSSRequestError.noSuchBucket(bucket) }
        try request.checkObjectName()
        if configuration.withoutCRC64,
            request.operation == .listParts || request.operation == .listMultipartUploads
        {
            throw OSSRequestError(
                501,
                .notImplemented,
                "LocalOSS runs with --no-crc64: \(request.operation.rawValue) is not implemented."
            )
        }

        var response: OSSResponse
        switch request.operation {
        case .putObject: response = try await putObject(request, bucket: bucket, body: body)
        case .getObject, .headObject: response = try getObject(request, bucket: bucket)
        case .deleteObject:
            store.delete(bucket: bucket, key: request.objectKey)
            response = OSSResponse(status: .noContent)
        case .initiateMultipartUpload: response = try initiate(request, bucket: bucket)
        case .uploadPart: response = try await uploadPart(request, bucket: bucket, body: body)
        case .completeMultipartUpload: response = try await complete(request, bucket: bucket, body: body)
        case .listParts: response = try listParts(request, bucket: bucket)
        case .abortMultipartUpload:
            store.abort(try store.upload(bucket: bucket, key: request.objectKey, id: request.query["uploadId"] ?? ""))
            response = OSSResponse(status: .noContent)
        case .listMultipartUploads: response = try listUploads(request, bucket: bucket)
        case .listObjectsV2: response = try listObjects(request, bucket: bucket)
        case .copyObject: response = try copyObject(request, bucket: bucket)
        case .uploadPartCopy: response = try uploadPartCopy(request, bucket: bucket)
        case .headBucket: response = OSSResponse(status: .ok)
        case .unknown:
            throw OSSRequestError(405, .methodNotAllowed, "The specified method is not allowed against this resource.")
        }
        try await body.drain()
        if configuration.withoutCRC64 { response.headers.remove(name: "x-oss-hash-crc64ecma") }
        for action in actions {
            if action == .wrongCRC, let crc = response.headers.first(name: "x-oss-hash-crc64ecma").flatMap(UInt64.init)
            {
                response.headers.replaceOrAdd(name: "x-oss-hash-crc64ecma", value: "\(crc ^ 0xDEAD_BEEF)")
            }
            if action == .noCRC { response.headers.remove(name: "x-oss-hash-crc64ecma") }
            if action == .wrongETag, response.headers.first(name: "ETag") != nil {
                response.headers.replaceOrAdd(name: "ETag", value: "\"00000000000000000000000000000BAD\"")
            }
        }
        return response
    }

    /// Streams a body into a sink (a temp file unless discarding), then checks Content-MD5.
    func receive(
        _ request: OSSRequest,
        body: BodyReader
    ) async throws -> (sink: BodySink, size: UInt64, md5: [UInt8], crc64: UInt64) {
        let sink = try BodySink(file: store.temporaryFile())
        do {
            while let chunk = try await body.next() { try sink.write(chunk) }
        } catch {
            sink.discardFile()
            throw error
        }
        let (size, md5, crc) = sink.finish()
        if let expected = request.header("content-md5"), expected != md5.base64String {
            sink.discardFile()
            throw OSSRequestError(
                400,
                .invalidDigest,
                "The Content-MD5 you specified is not valid.",
                ec: "0016-00000401"
            )
        }
        return (sink, size, md5, crc)
    }

    /// A signed request's time, as OSS checks it: `x-oss-date` (ISO 8601 basic) when sent, else `Date`
    /// (RFC 1123). A missing or unparseable one is 403 AccessDenied, never a reason to skip the check;
    /// one further than `maxClockSkew` from the server's clock is 403 RequestTimeTooSkewed. Checked when
    /// the server checks signatures or skew; an anonymous server without a skew limit reads no dates.
    func checkRequestTime(_ request: OSSRequest) throws(OSSRequestError) {
        guard request.header("authorization") != nil,
            !configuration.accessKeys.isEmpty || !temporaryCredentials.isEmpty || configuration.maxClockSkew != nil
        else { return }
        let signed: SigningTime?
        let sent: String
        if let value = request.header("x-oss-date") {
            (signed, sent) = (SigningTime(iso8601Basic: value), value)
        } else if let value = request.header("date") {
            (signed, sent) = (SigningTime(rfc1123: value), value)
        } else {
            throw OSSRequestError(
                403,
                .accessDenied,
                "OSS authentication requires a valid Date.",
                ec: "0002-00000503"
            )
        }
        guard let signed else {
            throw OSSRequestError(
                403,
                .accessDenied,
                "OSS authentication requires a valid Date.",
                ec: "0002-00000502",
                extra: [("RequestTime", sent)]
            )
        }
        guard let limit = configuration.maxClockSkew else { return }
        let serverTime = now
        let offset = TimeInterval(signed.epochSeconds) - serverTime.timeIntervalSince1970
        guard abs(offset) > limit else { return }
        throw OSSRequestError(
            403,
            .requestTimeTooSkewed,
            "The difference between the request time and the current time is too large.",
            ec: "0002-00000504",
            extra: [
                ("RequestTime", sent),
                ("ServerTime", LocalOSSServer.isoDate(serverTime)),
            ]
        )
    }

    static func forbidsOverwrite(_ request: OSSRequest) -> Bool {
        request.header("x-oss-forbid-overwrite")?.lowercased() == "true"
    }
}
