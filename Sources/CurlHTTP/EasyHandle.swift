import CCurl

/// A curl easy handle with its error buffer. Owned by the driver thread and recycled between requests
/// (`curl_easy_reset` keeps nothing request-specific; connections live in the multi handle's cache).
final class EasyHandle {
    let raw: UnsafeMutableRawPointer
    /// CURLOPT_ERRORBUFFER: curl writes a NUL-terminated message of at most CURL_ERROR_SIZE bytes here.
    /// Allocated for the handle's whole life, so it outlives every transfer that uses it.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init?() {
        guard let handle = curl_easy_init() else { return nil }
        raw = handle
        errorBuffer = .allocate(capacity: Int(CCURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CCURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
    }

    /// curl's detailed message for the last failure ("" when none).
    var errorText: String {
        String(cString: errorBuffer)
    }

    /// Clears every option so the handle can serve another request.
    func reset() {
        curl_easy_reset(raw)
    }

    func set(_ option: CURLoption, _ value: Int) {
        _ = ccurl_easy_setopt_long(raw, option, value)
    }

    func set(_ option: CURLoption, offset value: Int64) {
        _ = ccurl_easy_setopt_off(raw, option, curl_off_t(value))
    }

    /// String options: curl copies the string (CURLOPT_URL, CUSTOMREQUEST, USERAGENT), so the C string
    /// only needs to live for this call.
    func set(_ option: CURLoption, _ value: String) {
        _ = value.withCString { ccurl_easy_setopt_ptr(raw, option, $0) }
    }

    func set(_ option: CURLoption, pointer value: UnsafeRawPointer?) {
        _ = ccurl_easy_setopt_ptr(raw, option, value)
    }

    /// Points curl at this handle's error buffer and clears it.
    func attachErrorBuffer() {
        errorBuffer[0] = 0
        set(CURLOPT_ERRORBUFFER, pointer: UnsafeRawPointer(errorBuffer))
    }

    /// Whether the transfer got as far as a connection (TCP, and TLS for https) before it ended. A connection
    /// kept alive from an earlier transfer has connect times of 0: the time to the transfer's start
    /// (`PRETRANSFER`, reached only once connected) tells it. Without it, a stall on a reused connection was
    /// taken for a failure to connect: "timed out", counted towards an unreachable service.
    var connected: Bool {
        var microseconds: curl_off_t = 0
        for info in [CURLINFO_APPCONNECT_TIME_T, CURLINFO_CONNECT_TIME_T, CURLINFO_PRETRANSFER_TIME_T] {
            // Safe: `microseconds` is a live `curl_off_t` the call writes once, as these infos take.
            _ = ccurl_easy_getinfo_off(raw, info, &microseconds)
            if microseconds > 0 { return true }
        }
        return false
    }

    var responseCode: Int {
        var code: Int = 0
        _ = ccurl_easy_getinfo_long(raw, CURLINFO_RESPONSE_CODE, &code)
        return code
    }
}
