/// Why a `--shard` value or the job engine's environment names no shard; the message says what to give.
package struct ShardError: Error, Sendable, Hashable, CustomStringConvertible {
    package let description: String

    init(_ description: String) { self.description = description }
}
