/// A transport error that names the reason (for credential requests that got no answer in time).
struct CredentialsRequestTimeout: Error, CustomStringConvertible {
    var seconds: Double
    var description: String { "no answer within \(Int(seconds)) s" }
}
