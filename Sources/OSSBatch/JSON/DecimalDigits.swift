/// Decimal text of integers appended to a byte buffer: the bytes `String(n)` has, without making the string
/// (one allocation per number was a tenth of hashing a plan's canonical form, which has four per job).
enum DecimalDigits {
    static func append(_ n: UInt64, to bytes: inout [UInt8]) {
        var count = 1
        var rest = n
        while rest >= 10 {
            rest /= 10
            count += 1
        }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count))
        rest = n
        for i in stride(from: start + count - 1, through: start, by: -1) {
            bytes[i] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
    }

    static func append(_ n: Int64, to bytes: inout [UInt8]) {
        if n < 0 { bytes.append(UInt8(ascii: "-")) }
        append(n.magnitude, to: &bytes)
    }

    static func append(_ n: Int, to bytes: inout [UInt8]) { append(Int64(n), to: &bytes) }
}
