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

    /// A CRC already known by value and length (e.g. a part's CRC reported by the server).
    public init(value: UInt64, count: UInt64) {
        self.value = value
        self.count = count
    }

    /// Appends another CRC: `combine(crc(A), crc(B), length(B)) == crc(A + B)`.
    public mutating func append(_ other: CRC64) {
        append(crc: other.value, length: other.count)
    }

    /// Appends bytes known only by their CRC and length.
    public mutating func append(crc: UInt64, length: UInt64) {
        value = CRC64.combine(value, crc, lengthB: length)
        count &+= length
    }

    /// The CRC of A followed by B from the CRCs of A and B and B's length, without the bytes.
    ///
    /// crc(A‖B) = crc(A)·x^(8·len B) mod P ⊕ crc(B); the all-ones init and xor-out cancel out. x^(8n) is built
    /// from a table of x^(2^k) by square-and-multiply, so a combine costs O(log n) polynomial products
    /// (the method of zlib 1.2.12's crc32_combine, in the reflected CRC-64/ECMA domain).
    public static func combine(_ crcA: UInt64, _ crcB: UInt64, lengthB: UInt64) -> UInt64 {
        guard lengthB > 0 else { return crcA }
        return multiplyModP(xToThe8N(lengthB), crcA) ^ crcB
    }

    /// The reflected ECMA-182 polynomial.
    private static let polynomial: UInt64 = 0xC96C_5795_D787_0F42
    /// x^0 in the reflected representation.
    private static let one: UInt64 = 1 << 63

    /// a·b mod P, reflected.
    private static func multiplyModP(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var m = one
        var product: UInt64 = 0
        var b = b
        while true {
            if a & m != 0 {
                product ^= b
                if a & (m - 1) == 0 { break }
            }
            m >>= 1
            b = b & 1 != 0 ? (b >> 1) ^ polynomial : b >> 1
        }
        return product
    }

    /// x^(2^k) mod P for k = 0…63.
    private static let powersOfTwo: [UInt64] = {
        var table = [UInt64](repeating: 0, count: 64)
        table[0] = one >> 1  // x^1
        for k in 1..<64 { table[k] = multiplyModP(table[k - 1], table[k - 1]) }
        return table
    }()

    /// x^(8·n) mod P.
    private static func xToThe8N(_ n: UInt64) -> UInt64 {
        var result = one
        var n = n
        var k = 3  // 8·n = 2^3·n
        while n != 0 {
            if n & 1 != 0 { result = multiplyModP(powersOfTwo[k & 63], result) }
            n >>= 1
            k += 1
        }
        return result
    }
}
