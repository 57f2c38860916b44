/// Why a request could not be signed or an Authorization header not parsed.
public enum SigningError: Error, Sendable, Hashable, CustomStringConvertible {
    case missingHeader(String)
    case malformedDate(String)
    case malformedAuthorization(String)

    public var description: String {
        switch self {
        case .missingHeader(let name): return "missing header \(name)"
        case .malformedDate(let value): return "malformed date \(value)"
        case .malformedAuthorization(let why): return "malformed Authorization header: \(why)"
        }
    }
}
