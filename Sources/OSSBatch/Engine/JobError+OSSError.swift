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
        case .integrity(let expected, let received, let requestID):
            self.init(
                code: "IntegrityError",
                message: "CRC-64 mismatch: sent \(expected), server computed \(received)",
                requestID: requestID
            )
        case .invalidResponse(let message, let requestID):
            self.init(code: "InvalidResponse", message: message, requestID: requestID)
        }
    }

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
}

extension OSSError {
    /// A cancelled transfer (SIGINT/SIGTERM, or the batch stopping): the job is pending, not failed.
    var isCancellation: Bool {
        if case .transport(.cancelled, _) = self { return true }
        return false
    }

    var attempts: Int {
        switch self {
        case .service(_, let n), .transport(_, let n): return n
        case .integrity, .invalidResponse: return 1
        }
    }
}

func isCancellation(_ error: any Error) -> Bool {
    if error is CancellationError { return true }
    if let e = error as? OSSError { return e.isCancellation }
    if let e = error as? HTTPTransportError { return e == .cancelled }
    return false
}
