import CCurl
import Digests
import OSSProtocol
import Synchronization

/// One request in flight: its body cursor and hashes, the response being collected, and the continuation
/// to resume.
///
/// Thread confinement: the sending task fills `continuation` before handing the transfer to the driver
/// (the inbox mutex orders that write before the driver's reads); from then on every mutable field is
/// touched only by the driver thread (its loop and curl's callbacks, which run inside `curl_multi_perform`).
/// `cancelRequested` is the one field written from other threads, hence atomic.
final class Transfer: @unchecked Sendable {
    let request: HTTPRequest
    let meter: SendMeter
    let cancelRequested = Atomic<Bool>(false)

    var continuation: CheckedContinuation<HTTPResponse, any Error>?
    /// The easy handle while the transfer is attached to the multi handle.
    var easy: EasyHandle?
    /// curl's copy of the header lines; freed when the transfer ends.
    var headerList: UnsafeMutablePointer<curl_slist>?
    var isPaused = false

    // Request body.
    let bodyLength: Int64
    let bodyBytes: [UInt8]
    let bodyDescriptor: Int32
    let bodyOffset: Int64
    let bodyIsFile: Bool
    var position: Int64 = 0
    var crc = CRC64()
    var md5: MD5?
    /// Set when reading the body failed; the transfer then ends as `.bodyRead`.
    var bodyReadFailure: String?

    // Response.
    var headers: [(name: String, value: String)] = []
    var responseBody: [UInt8] = []
    /// At most this many body bytes are kept (`CurlHTTPConfiguration.maximumResponseBodyBytes`), set as the
    /// transfer is prepared; `responseTooLarge` once a body went past it (the transfer is then aborted).
    var responseLimit = Int.max
    var responseTooLarge = false

    init(request: HTTPRequest, md5: Bool, meter: SendMeter) {
        self.request = request
        self.meter = meter
        self.md5 = md5 ? MD5() : nil
        bodyLength = request.body.length
        switch request.body {
        case .none:
            bodyBytes = []
            bodyDescriptor = -1
            bodyOffset = 0
            bodyIsFile = false
        case .bytes(let bytes):
            bodyBytes = bytes
            bodyDescriptor = -1
            bodyOffset = 0
            bodyIsFile = false
        case .file(let descriptor, let offset, _):
            bodyBytes = []
            bodyDescriptor = descriptor
            bodyOffset = offset
            bodyIsFile = true
        }
    }

    /// Resumes the waiting task exactly once; later calls do nothing.
    func resume(with result: Result<HTTPResponse, any Error>) {
        guard let continuation else { return }
        self.continuation = nil
        continuation.resume(with: result)
    }

    /// The response as collected so far, with the body's hashes.
    func response(status: Int) -> HTTPResponse {
        HTTPResponse(
            status: status,
            headers: headers,
            body: responseBody,
            sentBodyCRC64: crc.value,
            sentBodyMD5: md5?.finalize()
        )
    }
}
