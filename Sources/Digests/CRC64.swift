import CLZMA

/// CRC-64/ECMA-182 as OSS computes it for `x-oss-hash-crc64ecma` (reflected, init and xor-out all ones;
/// also known as CRC-64/XZ). Streaming: feed bytes with `update`, read `value` at any time.
///
/// The byte loop is liblzma's `lzma_crc64`, which uses carry-less multiplication where the CPU has it.
public struct CRC64: Sendable, Hashable {
    /// The CRC of every byte fed so far (0 for no bytes).
    public private(set) var value: UInt64
    /// How many bytes were fed; needed to `combine` this CRC after another.
    public private(set) var count: UInt64

    public init() {
        value = 0
        count = 0
    }

    /// Feeds `bytes`. The pointer is only read for the duration of the call.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        // lzma_crc64 takes and returns the finalised CRC, so chaining calls is exactly streaming.
        value = lzma_crc64(base.assumingMemoryBound(to: UInt8.self), bytes.count, value)
        count &+= UInt64(bytes.count)
    }

    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        if handled == nil {
            let copy = Array(bytes)
            copy.withUnsafeBytes { update($0) }
        }
    }

    /// The CRC of `bytes` in one call.
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var crc = CRC64()
        crc.update(bytes)
        return crc.value
    }

    /// Appends another CRC: `combine(crc(A), crc(B), length(B)) == crc(A + B)`.
    public mutating func append(_ other: CRC64) {
        value = CRC64.combine(value, other.value, lengthB: other.count)
        count &+= other.count
    }

    /// The CRC of A followed by B from the CRCs of A and B and B's length, without the bytes
    /// (zlib's GF(2) matrix method, adapted to the CRC-64/ECMA reflected polynomial).
    public static func combine(_ crcA: UInt64, _ crcB: UInt64, lengthB: UInt64) -> UInt64 {
        guard lengthB > 0 else { return crcA }
        // Operator for one zero bit, in the reflected domain.
        var odd = [UInt64](repeating: 0, count: 64)
        odd[0] = 0xC96C_5795_D787_0F42
        var row: UInt64 = 1
        for n in 1..<64 {
            odd[n] = row
            row <<= 1
        }
        var even = [UInt64](repeating: 0, count: 64)
        square(&even, odd)  // two zero bits
        square(&odd, even)  // four zero bits

        // The init/xor-out of all ones cancel out across the concatenation, so only crcA is shifted.
        var crc = crcA
        var length = lengthB
        repeat {
            square(&even, odd)  // first pass: one zero byte
            if length & 1 != 0 { crc = times(even, crc) }
            length >>= 1
            if length == 0 { break }
            square(&odd, even)
            if length & 1 != 0 { crc = times(odd, crc) }
            length >>= 1
        } while length != 0
        return crc ^ crcB
    }

    private static func times(_ matrix: [UInt64], _ vector: UInt64) -> UInt64 {
        var sum: UInt64 = 0
        var vec = vector
        var i = 0
        while vec != 0 {
            if vec & 1 != 0 { sum ^= matrix[i] }
            vec >>= 1
            i += 1
        }
        return sum
    }

    private static func square(_ result: inout [UInt64], _ matrix: [UInt64]) {
        for n in 0..<64 { result[n] = times(matrix, matrix[n]) }
    }
}
