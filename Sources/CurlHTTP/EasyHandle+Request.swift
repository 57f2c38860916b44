import CCurl
import OSSProtocol

extension EasyHandle {
    /// Sets every option for `transfer`: the connection settings, the method and body mechanics, the
    /// header lines (kept alive in `transfer.headerList`) and the callbacks.
    func prepare(_ transfer: Transfer, configuration: CurlHTTPConfiguration) {
        attachErrorBuffer()
        applyConnectionSettings(configuration)
        transfer.responseLimit = configuration.maximumResponseBodyBytes
        // Large chunks mean fewer read callbacks (each a pread + hash) per part; small bodies get a small
        // buffer so tiny uploads do not pay for a megabyte (curl's floor is 16 KiB).
        let chunk = min(Int64(CurlHTTPClient.uploadBufferSize), max(16 * 1024, transfer.bodyLength))
        set(CURLOPT_UPLOAD_BUFFERSIZE, Int(chunk))
        let request = transfer.request
        set(CURLOPT_URL, request.url)
        // The path goes out exactly as built (and signed): without this curl removes `.` and `..` segments,
        // so the key `a/../b` would be sent as `b` (a signature mismatch, or another object on a lax server).
        set(CURLOPT_PATH_AS_IS, 1)
        // An empty proxy is none, environment or not (curl's documented meaning); the handle is reset after
        // each transfer, so the next request honours the environment again.
        if request.bypassesProxy { set(CURLOPT_PROXY, "") }
        let method = request.method.uppercased()
        let length = transfer.bodyLength
        var streamsBody = false
        switch method {
        case "GET" where length == 0:
            set(CURLOPT_HTTPGET, 1)
        case "HEAD":
            set(CURLOPT_NOBODY, 1)
        case "PUT":
            // UPLOAD sends the body from READFUNCTION with this Content-Length (0 is a valid empty PUT).
            set(CURLOPT_UPLOAD, 1)
            set(CURLOPT_INFILESIZE_LARGE, offset: length)
            streamsBody = true
        case "POST":
            // POST + POSTFIELDSIZE_LARGE without POSTFIELDS streams from READFUNCTION; size 0 sends
            // `Content-Length: 0` and never calls the read callback.
            set(CURLOPT_POST, 1)
            set(CURLOPT_POSTFIELDSIZE_LARGE, offset: length)
            streamsBody = true
        default:
            if length > 0 {
                set(CURLOPT_POST, 1)
                set(CURLOPT_POSTFIELDSIZE_LARGE, offset: length)
                streamsBody = true
            }
            set(CURLOPT_CUSTOMREQUEST, method)
        }
        if streamsBody {
            _ = ccurl_easy_setopt_read(raw, CurlCallbacks.read)
            set(CURLOPT_READDATA, pointer: transfer.opaque)
            _ = ccurl_easy_setopt_seek(raw, CurlCallbacks.seek)
            set(CURLOPT_SEEKDATA, pointer: transfer.opaque)
        }
        _ = ccurl_easy_setopt_header(raw, CurlCallbacks.header)
        set(CURLOPT_HEADERDATA, pointer: transfer.opaque)
        _ = ccurl_easy_setopt_write(raw, CurlCallbacks.write)
        set(CURLOPT_WRITEDATA, pointer: transfer.opaque)

        transfer.headerList = Self.headerLines(for: request, postsBody: streamsBody && method != "PUT")
        set(CURLOPT_HTTPHEADER, pointer: UnsafeRawPointer(transfer.headerList))
    }

    private func applyConnectionSettings(_ configuration: CurlHTTPConfiguration) {
        // No signals: curl must not use SIGALRM for DNS timeouts in a multi-threaded process.
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_CONNECTTIMEOUT_MS, Int(configuration.connectTimeout * 1000))
        set(CURLOPT_LOW_SPEED_LIMIT, configuration.lowSpeedLimit)
        set(CURLOPT_LOW_SPEED_TIME, configuration.lowSpeedTime)
        set(CURLOPT_TCP_KEEPALIVE, 1)
        set(CURLOPT_SSL_VERIFYPEER, configuration.verifyTLS ? 1 : 0)
        set(CURLOPT_SSL_VERIFYHOST, configuration.verifyTLS ? 2 : 0)
        set(CURLOPT_USERAGENT, configuration.userAgent)
        // HTTP/1.1: one connection per concurrent part spreads load; HTTP/2 would funnel parts into one TCP stream.
        set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1)
        // Only HTTP(S): a request URL can never make curl read a local file or speak another protocol.
        set(CURLOPT_PROTOCOLS_STR, "http,https")
        // Through an HTTPS proxy, the CONNECT answer's headers are not the server's response headers.
        set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        // CURLOPT_PROXY is deliberately left alone: curl then honours http_proxy/https_proxy/no_proxy.
    }

    /// The header lines as curl wants them. `Expect:` (empty) turns off the 100-continue round trip; a
    /// POST without a Content-Type gets `Content-Type:` so curl does not add its form type (signatures
    /// cover Content-Type); Content-Length always comes from the body.
    private static func headerLines(for request: HTTPRequest, postsBody: Bool) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>?
        var hasExpect = false
        var hasContentType = false
        for header in request.headers {
            let name = header.name.lowercased()
            if name == "content-length" { continue }
            if name == "expect" { hasExpect = true }
            if name == "content-type" { hasContentType = true }
            // curl's syntax for a header with an empty value is `Name;` (`Name:` would remove it).
            let line = header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)"
            list = curl_slist_append(list, line)
        }
        if !hasExpect { list = curl_slist_append(list, "Expect:") }
        if postsBody && !hasContentType { list = curl_slist_append(list, "Content-Type:") }
        return list
    }
}
