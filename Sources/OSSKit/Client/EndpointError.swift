/// An endpoint string that is not `[http[s]://]host[:port]`.
public struct EndpointError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
