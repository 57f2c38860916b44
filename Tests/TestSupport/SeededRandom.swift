import Foundation

/// The random number generator for tests: seeded from `OSSBATCH_TEST_SEED` when set, from the system
/// otherwise, and the seed is printed, so a failure can be replayed with `OSSBATCH_TEST_SEED=<seed>`.
/// SplitMix64: small, fast, and every seed (0 included) gives a full-period stream.
public struct SeededRandom: RandomNumberGenerator, Sendable, CustomStringConvertible {
    /// The environment variable that fixes the seed of every `SeededRandom`.
    public static let environmentVariable = "OSSBATCH_TEST_SEED"

    public let seed: UInt64
    private var state: UInt64

    /// A generator for the test named `label` (the calling function by default); prints its seed.
    public init(_ label: String = #function, fileID: String = #fileID) {
        let fixed = ProcessInfo.processInfo.environment[Self.environmentVariable].flatMap { UInt64($0) }
        self.init(seed: fixed ?? UInt64.random(in: 0...UInt64.max))
        print("\(fileID) \(label): random seed \(seed) (replay with \(Self.environmentVariable)=\(seed))")
    }

    /// A generator with a fixed seed (prints nothing).
    public init(seed: UInt64) {
        self.seed = seed
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `seed <n>`, for failure messages.
    public var description: String { "seed \(seed)" }
}
