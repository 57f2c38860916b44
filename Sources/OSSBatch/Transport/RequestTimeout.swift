/// A request given up on after `seconds` (credential services, the clock check): its message names why.
struct RequestTimeout: Error, CustomStringConvertible {
    var seconds: Double
    var description: String { "no answer within \(Int(seconds)) s" }
}
