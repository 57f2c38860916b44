import OSSKit
import OSSProtocol

extension JobError {
    /// The report's view of a client error: OSS's code, message, request id and EC, or a transport class.
    init(_ error: OSSError) {
        switch error {
        case .service(let e, _):
            self.init(
                code: e.code.rawValue,
                message: e.message,
                httpStatus: e.httpStatus,
                requestID: e.requestID,
                ec: e.ec
            )
        case .transport(let e, let attempts):
            self.init(
                code: "TransportError",
                message: e.description + (attempts > 1 ? " after \(attempts) attempts" : "")
            )
        case .integrity(let expected, let received, let requestID, _):
            self.init(
                code: "IntegrityError",
                message: "CRC-64 mismatch: sent \(expected), server computed \(received)",
                requestID: requestID
            )
        case .invalidResponse(let message, let requestID, _):
            self.init(code: "InvalidResponse", message: message, requestID: requestID)
        case .missingCRC64(let operation, let requestID, _):
            self = .missingCRC64(operation: operation, requestID: requestID)
        case .credentials(let e):
            self.init(code: "CredentialsError", message: e.message)
        }
    }

    /// A server without CRC-64 under `verify: crc64|both`: batch-fatal, with the fix in the one line.
    static func missingCRC64(operation: String, requestID: String) -> JobError {
        JobError(
            code: missingCRC64Code,
            message: "\(operation) was answered without x-oss-hash-crc64ecma: this server does not compute CRC-64, "
                + "so verify: crc64 cannot prove any upload; set verify: md5 in the manifest's upload section "
                + "(Content-MD5 on every request), or resume this report with --verify md5",
            requestID: requestID
        )
    }

    static let missingCRC64Code = "MissingCRC64"

    /// Any error thrown while running a job, as the report records it.
    static func from(_ error: any Error) -> JobError {
        switch error {
        case let e as JobError: return e
        case let e as OSSError: return JobError(e)
        case let e as StateFileError: return JobError(code: "CheckpointError", message: e.description)
        case let e as HTTPTransportError: return JobError(code: "TransportError", message: e.description)
        default: return JobError(code: "InternalError", message: "\(error)")
        }
    }

    /// Codes that mean every request of the batch will fail the same way.
    static let batchFatalCodes: Set<OSSErrorCode> = [
        .invalidAccessKeyId, .signatureDoesNotMatch, .accessDenied, .noSuchBucket, .securityTokenExpired,
        .invalidSecurityToken,
    ]

    /// Whether `error` means every request of the batch will fail the same way: one of `batchFatalCodes`, or an
    /// `InvalidArgument` of OSS's signature category (EC `0002-…`): a malformed signature, a signing region that
    /// is not the bucket's (400, EC 0002-00000225/226/228), which failed every job of a batch one by one, each
    /// with its line, before 2026-12-06. OSS says ECs may change: if these do, such a batch fails job by job
    /// again, as before. Other codes of that category (a clock skew the client could not correct,
    /// `RequestTimeTooSkewed`) stay a job's failure.
    static func isBatchFatal(_ error: OSSServiceError) -> Bool {
        batchFatalCodes.contains(error.code) || (error.code == .invalidArgument && error.ec?.hasPrefix("0002-") == true)
    }
}

extension OSSError {
    /// A cancelled transfer (SIGINT/SIGTERM, or the batch stopping): the job is pending, not failed.
    var isCancellation: Bool {
        if case .transport(.cancelled, _) = self { return true }
        return false
    }

    /// No credentials to sign with (none, expired, not renewable), or a request that cannot be sent as built
    /// (`HTTPTransportError.unsendable`): it was never sent.
    var isCredentials: Bool {
        switch self {
        case .credentials, .transport(.unsendable, _): return true
        default: return false
        }
    }

    /// 501 `NotImplemented`: the server does not have this operation (LocalOSS `--no-crc64`, some
    /// OSS-compatible stores for ListParts and ListMultipartUploads).
    var isNotImplemented: Bool {
        guard case .service(let e, _) = self else { return false }
        return e.code == .notImplemented || e.httpStatus == 501
    }

}

func isCancellation(_ error: any Error) -> Bool {
    if error is CancellationError { return true }
    if let e = error as? OSSError { return e.isCancellation }
    if let e = error as? HTTPTransportError { return e == .cancelled }
    return false
}

/// Whether `error` stopped a request before it went out: cancelled (a stop), no credentials to sign it with, or
/// a request that cannot be sent as built (the batch stops on those, its fatal error says why). The job is then `pending` — a single request's
/// (`JobRunner`) and a multipart upload's ListParts or Complete alike (`MultipartUpload`), its upload kept for
/// `resume` — not `failed` (review of b7bf3fd).
func wasNeverSent(_ error: any Error) -> Bool {
    isCancellation(error) || (error as? OSSError)?.isCredentials == true
}
