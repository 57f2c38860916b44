import Logging

/// A field of a JSON log line. Numbers and booleans stay JSON numbers and booleans: the engine logs them as
/// `.stringConvertible` values (`Logger.MetadataValue.number`), which `init(_:)` recognises.
enum LogValue: Encodable, Sendable, ExpressibleByStringLiteral {
    case string(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case array([LogValue])
    case object([String: LogValue])

    init(_ value: Logger.MetadataValue) {
        switch value {
        case .string(let s): self = .string(s)
        case .stringConvertible(let v):
            switch v {
            case let b as Bool: self = .bool(b)
            case let n as Int: self = .int(Int64(n))
            case let n as Int64: self = .int(n)
            case let n as Int32: self = .int(Int64(n))
            case let n as UInt64 where n <= UInt64(Int64.max): self = .int(Int64(n))
            case let d as Double where d.isFinite: self = .double(d)
            default: self = .string(v.description)
            }
        case .array(let values): self = .array(values.map(LogValue.init))
        case .dictionary(let fields): self = .object(fields.mapValues(LogValue.init))
        }
    }

    init(stringLiteral value: String) { self = .string(value) }

    /// A number of bytes, files, milliseconds, …
    static func number<N: BinaryInteger>(_ n: N) -> LogValue { .int(Int64(clamping: n)) }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let s): try container.encode(s)
        case .int(let n): try container.encode(n)
        case .double(let d): try container.encode(d)
        case .bool(let b): try container.encode(b)
        case .array(let values): try container.encode(values)
        case .object(let fields): try container.encode(fields)
        }
    }
}
