import Digests
import Foundation
import NIOCore
import NIOHTTP1
import OSSProtocol

/// What a handler answers; the connection writes it.
struct OSSResponse: Sendable {
    enum Body: Sendable {
        case empty
        case bytes(ByteBuffer)
        /// A stored object's data, opened with its metadata (`OpenedObject`), streamed in chunks (never loaded
        /// whole).
        case file(FileHandle, length: UInt64)
        /// Content-Length without a body (HEAD, and GET in discard mode where the data is gone).
        case lengthOnly(UInt64)
    }

    var status: HTTPResponseStatus
    var headers = HTTPHeaders()
    var body: Body = .empty
    /// The OSS error code sent, for the operation log.
    var errorCode: String?

    init(status: HTTPResponseStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: Body = .empty) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    static func xml(_ text: String, status: HTTPResponseStatus = .ok) -> OSSResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/xml")
        let document = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + text
        return OSSResponse(status: status, headers: headers, body: .bytes(ByteBuffer(string: document)))
    }

    /// OSS's error document, with `x-oss-ec`. HEAD requests get the headers only, the document base64-encoded
    /// in `x-oss-err` as OSS sends it (so a client can tell `SecurityTokenExpired` from other 403s).
    static func error(_ e: OSSRequestError, requestID: String, isHead: Bool) -> OSSResponse {
        var xml =
            "<Error>" + XMLText.element("Code", e.code.rawValue) + XMLText.element("Message", e.message)
            + XMLText.element("RequestId", requestID) + XMLText.element("HostId", "127.0.0.1")
        for (name, value) in e.extra { xml += XMLText.element(name, value) }
        xml += XMLText.element("EC", e.ec) + "</Error>"
        var response = OSSResponse.xml(xml, status: HTTPResponseStatus(statusCode: e.status))
        response.headers.add(name: "x-oss-ec", value: e.ec)
        response.errorCode = e.code.rawValue
        if isHead {
            response.body = .empty
            response.headers.add(name: "x-oss-err", value: Array(xml.utf8).base64String)
        }
        return response
    }
}
