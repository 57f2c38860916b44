/// Decimal text of integers appended to a byte buffer: the bytes `String(n)` has, without making the string.
/// The one way every writer here puts a number into bytes (the JSON encoder, the job-line writer, a plan's
/// canonical form); a string per number was a tenth of hashing a plan's canonical form, four per job.
enum DecimalDigits {
    /// The most bytes a number of at most 64 bits takes: 20 digits, or a minus sign and 19.
    static let longest = 20

    static func append(_ n: some BinaryInteger, to bytes: inout [UInt8]) {
        guard UInt64(exactly: n.magnitude) != nil else {
            bytes += String(n).utf8  // wider than 64 bits: no value written here is
            return
        }
        bytes.append(addingCapacity: longest) { out in append(n, to: &out) }
    }

    /// Appends to `out`, which has room for `longest` more bytes, the digits of `n`, whose magnitude fits in
    /// 64 bits (every integer type written here).
    static func append(_ n: some BinaryInteger, to out: inout OutputSpan<UInt8>) {
        if n < 0 { out.append(UInt8(ascii: "-")) }
        // Digits from the last, on the stack, two a division (half the chain of dependent divisions a 19-digit
        // nanosecond time takes one at a time), then appended: counting them first and writing each through
        // the array's subscript took twice as long (two million 1–19-digit numbers, 2026-12-03).
        var digits = InlineArray<20, UInt8>(repeating: 0)
        var first = digits.count
        var rest = UInt64(n.magnitude)
        while rest >= 100 {
            let (quotient, pair) = rest.quotientAndRemainder(dividingBy: 100)
            rest = quotient
            first -= 2
            digits[first] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: pair / 10)
            digits[first + 1] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: pair % 10)
        }
        if rest >= 10 {
            first -= 2
            digits[first] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest / 10)
            digits[first + 1] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
        } else {
            first -= 1
            digits[first] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest)
        }
        for i in first..<digits.count { out.append(digits[i]) }
    }
}
