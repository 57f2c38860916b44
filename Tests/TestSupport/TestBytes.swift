/// Deterministic pseudo-random bytes (xorshift64), so bodies are not trivially compressible and a failure
/// reproduces. Any seed works (it is mixed, so 0 does not give zeros).
public func testBytes(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    var out = [UInt8](repeating: 0, count: count)
    for i in 0..<count {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        out[i] = UInt8(truncatingIfNeeded: state)
    }
    return out
}
