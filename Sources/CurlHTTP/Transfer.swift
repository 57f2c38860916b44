import CCurl
import Digests
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

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
    private let bodyBytes: [UInt8]
    private let bodyDescriptor: Int32
    private let bodyOffset: Int64
    private let bodyIsFile: Bool
    private var position: Int64 = 0
    private var crc = CRC64()
    private var md5: MD5?
    /// Set when reading the body failed; the transfer then ends as `.bodyRead`.
    private(set) var bodyReadFailure: String?

    // Response.
    private var headers: [(name: String, value: String)] = []
    private var responseBody: [UInt8] = []

    init(request: HTTPRequest, md5: Bool, meter: SendMeter) {
        self.request = request
        self.meter = meter
        self.md5 = md5 ? MD5() : nil
        bodyLength = request.body.length
        switch request.body {
        case .none:
            bodyBytes = []; bodyDescriptor = -1; bodyOffset = 0; bodyIsFile = false
        case .bytes(let bytes):
            bodyBytes = bytes; bodyDescriptor = -1; bodyOffset = 0; bodyIsFile = false
        case .file(let descriptor, let offset, _):
            bodyBytes = []; bodyDescriptor = descriptor; bodyOffset = offset; bodyIsFile = true
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
        HTTPResponse(status: status, headers: headers, body: responseBody,
                     sentBodyCRC64: crc.value, sentBodyMD5: md5?.finalize())
    }
}

// MARK: - Request body

extension Transfer {
    /// Fills curl's upload buffer with the next body bytes: `pread` straight into `buffer` for files
    /// (one copy, no intermediate buffer), hashing the same bytes. Returns the count, 0 at the end,
    /// or one of curl's pause/abort codes.
    func readBody(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let remaining = bodyLength - position
        guard remaining > 0, let base = buffer.baseAddress else { return 0 }
        let wanted = meter.grant(min(Int64(buffer.count), remaining))
        guard wanted > 0 else {
            isPaused = true
            meter.paused.append(self)
            return CCURL_READFUNC_PAUSE
        }
        let count: Int
        if bodyIsFile {
            count = readFile(into: base, count: Int(wanted))
            guard count > 0 else { return CCURL_READFUNC_ABORT }
        } else {
            count = Int(wanted)
            bodyBytes.withUnsafeBytes { source in
                // Both ranges are in bounds: position + count <= bodyLength == source.count, count <= buffer.count.
                base.copyMemory(from: source.baseAddress! + Int(position), byteCount: count)
            }
        }
        let sent = UnsafeRawBufferPointer(start: base, count: count)
        crc.update(sent)
        md5?.update(sent)
        position += Int64(count)
        meter.record(Int64(count))
        return count
    }

    /// `pread` of up to `count` bytes at the cursor into curl's buffer; 0 on failure (recorded).
    private func readFile(into base: UnsafeMutableRawPointer, count: Int) -> Int {
        while true {
            // `base` points to curl's upload buffer, valid for `count` bytes during this callback.
            let n = pread(bodyDescriptor, base, count, off_t(bodyOffset + position))
            if n > 0 { return n }
            if n == 0 {
                bodyReadFailure = "file ended \(bodyLength - position) bytes before the body's end (offset \(bodyOffset + position))"
                return 0
            }
            let code = errno
            if code == EINTR { continue }
            bodyReadFailure = "pread(fd \(bodyDescriptor), offset \(bodyOffset + position)): \(String(cString: strerror(code)))"
            return 0
        }
    }

    /// curl rewinds the body to resend it (a reused connection died, a redirect, auth): restart the cursor
    /// and the hashes so they describe exactly the one complete send that produced the response.
    func rewindBody(to offset: Int64) -> Int32 {
        guard offset == 0 else { return Int32(CCURL_SEEKFUNC_FAIL) }
        position = 0
        crc = CRC64()
        if md5 != nil { md5 = MD5() }
        return Int32(CCURL_SEEKFUNC_OK)
    }
}

// MARK: - Response

extension Transfer {
    /// One header line from curl (status line, `Name: value`, or the blank line ending the block).
    func receiveHeaderLine(_ line: UnsafeRawBufferPointer) {
        var end = line.count
        while end > 0, line[end - 1] == 0x0A || line[end - 1] == 0x0D { end -= 1 }
        guard end > 0 else { return }
        let bytes = UnsafeRawBufferPointer(rebasing: line[0..<end])
        if end >= 5, bytes.starts(with: "HTTP/".utf8) {
            // A new status line (after 100 Continue, a redirect, or a resend): only the last block counts.
            headers.removeAll(keepingCapacity: true)
            responseBody.removeAll(keepingCapacity: true)
            return
        }
        guard let colon = bytes.firstIndex(of: 0x3A) else { return }
        let name = String(decoding: bytes[0..<colon], as: UTF8.self)
        var start = colon + 1
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        var stop = end
        while stop > start, bytes[stop - 1] == 0x20 || bytes[stop - 1] == 0x09 { stop -= 1 }
        let value = String(decoding: bytes[start..<stop], as: UTF8.self)
        headers.append((name: name, value: value))
    }

    func receiveBody(_ chunk: UnsafeRawBufferPointer) {
        responseBody.append(contentsOf: chunk)
    }
}
