/// An OSS error code: the `<Code>` of an error answer. The codes this project decides on (retries, batch-fatal
/// errors, settling lost answers) or answers with (LocalOSS) are cases; any other code arrives as `unknown`
/// with its text, so nothing the server said is lost.
///
/// Values compare by their text: `.unknown("NoSuchUpload") == .noSuchUpload`. Encoded as that text.
public enum OSSErrorCode: Sendable, Hashable, Codable, CustomStringConvertible, RawRepresentable {
    case accessDenied
    /// Stands in for a 400 without an error body (HEAD answers have none).
    case badRequest
    /// 203: the object is stored but the callback receiver failed.
    case callbackFailed
    /// Stands in for a 409 without an error body.
    case conflict
    case entityTooLarge
    case entityTooSmall
    /// 409 with `x-oss-forbid-overwrite: true` when the key exists.
    case fileAlreadyExists
    case incompleteBody
    case internalError
    case invalidAccessKeyId
    case invalidArgument
    case invalidDigest
    case invalidObjectName
    /// 403: an Archive, ColdArchive or DeepColdArchive object not restored, read or copied.
    case invalidObjectState
    case invalidPart
    case invalidPartOrder
    case invalidSecurityToken
    case malformedXML
    case methodNotAllowed
    case noSuchBucket
    case noSuchKey
    case noSuchUpload
    /// Stands in for a 404 without an error body.
    case notFound
    case notImplemented
    /// Stands in for a 412 without an error body.
    case preconditionFailed
    case requestTimeout
    case requestTimeTooSkewed
    case securityTokenExpired
    case serviceUnavailable
    case signatureDoesNotMatch
    /// Stands in for a 429 without an error body.
    case tooManyRequests
    /// Any other code, as sent.
    case unknown(String)

    /// Every named case (all but `unknown`).
    public static let known: [OSSErrorCode] = [
        .accessDenied, .badRequest, .callbackFailed, .conflict, .entityTooLarge, .entityTooSmall,
        .fileAlreadyExists, .incompleteBody, .internalError, .invalidAccessKeyId, .invalidArgument, .invalidDigest,
        .invalidObjectName, .invalidObjectState,
        .invalidPart, .invalidPartOrder, .invalidSecurityToken, .malformedXML, .methodNotAllowed, .noSuchBucket,
        .noSuchKey, .noSuchUpload, .notFound, .notImplemented, .preconditionFailed, .requestTimeout,
        .requestTimeTooSkewed, .securityTokenExpired, .serviceUnavailable, .signatureDoesNotMatch, .tooManyRequests,
    ]

    private static let byText: [String: OSSErrorCode] = Dictionary(
        uniqueKeysWithValues: known.map { ($0.rawValue, $0) }
    )

    /// The named case for `rawValue`, or `unknown(rawValue)`.
    public init(rawValue: String) {
        self = Self.byText[rawValue] ?? .unknown(rawValue)
    }

    /// The code as OSS writes it (`NoSuchUpload`).
    public var rawValue: String {
        switch self {
        case .accessDenied: return "AccessDenied"
        case .badRequest: return "BadRequest"
        case .callbackFailed: return "CallbackFailed"
        case .conflict: return "Conflict"
        case .entityTooLarge: return "EntityTooLarge"
        case .entityTooSmall: return "EntityTooSmall"
        case .fileAlreadyExists: return "FileAlreadyExists"
        case .incompleteBody: return "IncompleteBody"
        case .internalError: return "InternalError"
        case .invalidAccessKeyId: return "InvalidAccessKeyId"
        case .invalidArgument: return "InvalidArgument"
        case .invalidDigest: return "InvalidDigest"
        case .invalidObjectName: return "InvalidObjectName"
        case .invalidObjectState: return "InvalidObjectState"
        case .invalidPart: return "InvalidPart"
        case .invalidPartOrder: return "InvalidPartOrder"
        case .invalidSecurityToken: return "InvalidSecurityToken"
        case .malformedXML: return "MalformedXML"
        case .methodNotAllowed: return "MethodNotAllowed"
        case .noSuchBucket: return "NoSuchBucket"
        case .noSuchKey: return "NoSuchKey"
        case .noSuchUpload: return "NoSuchUpload"
        case .notFound: return "NotFound"
        case .notImplemented: return "NotImplemented"
        case .preconditionFailed: return "PreconditionFailed"
        case .requestTimeout: return "RequestTimeout"
        case .requestTimeTooSkewed: return "RequestTimeTooSkewed"
        case .securityTokenExpired: return "SecurityTokenExpired"
        case .serviceUnavailable: return "ServiceUnavailable"
        case .signatureDoesNotMatch: return "SignatureDoesNotMatch"
        case .tooManyRequests: return "TooManyRequests"
        case .unknown(let text): return text
        }
    }

    public var description: String { rawValue }

    public static func == (a: OSSErrorCode, b: OSSErrorCode) -> Bool { a.rawValue == b.rawValue }

    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
