/// Every intermediate of one V1 signature.
public struct V1Computation: Sendable, Hashable {
    public var stringToSign: String
    public var signature: String
    public var authorization: String
}
