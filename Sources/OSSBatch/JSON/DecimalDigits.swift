/// Decimal text of integers appended to a byte buffer: the bytes `String(n)` has, without making the string.
/// The one way every writer here puts a number into bytes (the JSON encoder, the job-line writer, a plan's
/// canonical form); a string per number was a tenth of hashing a plan's canonical form, four per job.
enum DecimalDigits {
    static func append(_ n: some BinaryInteger, to bytes: inout [UInt8]) {
        guard let magnitude = UInt64(exactly: n.magnitude) else {
            bytes += String(n).utf8  // wider than 64 bits: no value written here is
            return
        }
        if n < 0 { bytes.append(UInt8(ascii: "-")) }
        var count = 1
        var rest = magnitude
        while rest >= 10 {
            rest /= 10
            count += 1
        }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count))
        rest = magnitude
        for i in stride(from: start + count - 1, through: start, by: -1) {
            bytes[i] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
    }
}
