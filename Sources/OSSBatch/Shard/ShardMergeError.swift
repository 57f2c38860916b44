/// Why shard reports cannot be merged: every problem found, each naming the report or shard at fault.
package struct ShardMergeError: Error, Sendable, CustomStringConvertible {
    package let problems: [String]

    package var description: String { problems.joined(separator: "\n") }
}
