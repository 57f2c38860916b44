/// Single PutObject, or multipart with a fixed part plan.
public enum UploadMethod: Sendable, Hashable, Codable {
    case put
    case multipart(PartPlan)

    private enum CodingKeys: String, CodingKey { case kind, partSize, partCount }

    /// Written flat for readable reports: `{"kind":"put"}` or `{"kind":"multipart","partCount":3,"partSize":102400}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .put:
            try c.encode("put", forKey: .kind)
        case .multipart(let plan):
            try c.encode("multipart", forKey: .kind)
            try c.encode(plan.partSize, forKey: .partSize)
            try c.encode(plan.partCount, forKey: .partCount)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .kind) {
        case "put": self = .put
        case "multipart":
            self = .multipart(
                PartPlan(
                    partSize: try c.decode(Int64.self, forKey: .partSize),
                    partCount: try c.decode(Int.self, forKey: .partCount)
                )
            )
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .kind,
                in: c,
                debugDescription: "unknown upload method '\(other)'"
            )
        }
    }
}
