import Foundation
import NIOCore
import NIOHTTP1
import OSSProtocol

extension LocalOSSServer {
    /// After a Put/Complete: without `x-oss-callback` returns `base`; otherwise POSTs the callback and relays the
    /// receiver's reply (200), or answers 203 CallbackFailed — the object stays stored either way.
    func runCallback(_ request: OSSRequest, object: StoredObject, base: OSSResponse) async throws -> OSSResponse {
        guard let header = request.header("x-oss-callback") else { return base }
        let template = try CallbackTemplate(
            callbackHeader: header,
            variablesHeader: request.header("x-oss-callback-var")
        )
        let body = template.render(bucket: object.bucket, object: object)
        var response: OSSResponse
        do {
            let reply = try await callbacks.send(
                urls: template.url,
                host: template.host,
                body: body,
                contentType: template.bodyType
            )
            response = OSSResponse(status: .ok, body: .bytes(ByteBuffer(bytes: reply.body)))
            response.headers.add(name: "Content-Type", value: reply.contentType ?? "application/json")
        } catch {
            let message: String
            switch error {
            case .notLoopback(let url): message = "LocalOSS only calls back loopback addresses, not \(url)."
            case .unreachable(let why): message = "Error status : -1. \(why)"
            case .status(let status): message = "Response body is not valid json format. Error status : \(status)."
            }
            response = .error(
                OSSRequestError(203, .callbackFailed, message, ec: "0007-00000203"),
                requestID: request.requestID,
                isHead: false
            )
        }
        for name in ["ETag", "x-oss-hash-crc64ecma"] {
            if let value = base.headers.first(name: name) { response.headers.replaceOrAdd(name: name, value: value) }
        }
        return response
    }
}
