/// Why one value (a key template, a `--set` path) cannot be used; the caller says where it was given.
struct ValueProblem: Error, Sendable, Hashable {
    let message: String

    init(_ message: String) { self.message = message }
}
