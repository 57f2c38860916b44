import CCurl
import OSSProtocol

extension HTTPTransportError {
    /// Classifies a failed transfer. `detail` is curl's CURLOPT_ERRORBUFFER text (host and port, never
    /// headers or bodies, so no credentials); `bodyReadFailure` is set when our read callback aborted;
    /// `connected` tells a timeout before the connection was made from a transfer that stalled after it;
    /// `responseLimit` is set when our write callback aborted a response body longer than it.
    init(
        code: CURLcode,
        detail: String,
        bodyReadFailure: String?,
        connected: Bool = false,
        responseLimit: Int? = nil
    ) {
        if let bodyReadFailure, code == CURLE_ABORTED_BY_CALLBACK || code == CURLE_READ_ERROR {
            self = .bodyRead(bodyReadFailure)
            return
        }
        if let responseLimit, code == CURLE_WRITE_ERROR {
            self = .responseTooLarge(limit: responseLimit)
            return
        }
        let summary = String(cString: curl_easy_strerror(code))
        let message = detail.isEmpty ? summary : "\(summary): \(detail)"
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            self = .connect(message)
        case CURLE_OPERATION_TIMEDOUT:
            self = connected ? .stalled(message) : .timeout(message)
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING,
            CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_SEND_FAIL_REWIND:
            self = .reset(message)
        case CURLE_SSL_CONNECT_ERROR:
            self = .tls(message)
        // A reply curl cannot read as HTTP (CURLE_UNSUPPORTED_PROTOCOL, "Received HTTP/0.9 when not allowed",
        // is what it gives for one that looks like HTTP/0.9; the same code for a URL's scheme it does not
        // speak stays `.other`): counted as no answer, so an endpoint on a port another service holds stops
        // the batch as unreachable instead of failing every file after all its attempts.
        case CURLE_WEIRD_SERVER_REPLY:
            self = .notHTTP(message)
        case CURLE_UNSUPPORTED_PROTOCOL where detail.contains("HTTP/0.9"):
            self = .notHTTP(message)
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_INVALIDCERTSTATUS:
            self = .certificate(message)
        // The request as built, not the service: a URL curl cannot parse (an endpoint with a character no host
        // name has), an option it refuses.
        case CURLE_URL_MALFORMAT, CURLE_BAD_FUNCTION_ARGUMENT:
            self = .unsendable(message)
        default:
            self = .other(code: Int(code.rawValue), message: message)
        }
    }
}
