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
        // Digits from the last, on the stack, then appended in one reservation: counting them first and
        // writing each through the array's subscript (a uniqueness and a bounds check a digit) took twice as
        // long (two million 1–19-digit numbers, 2026-12-03).
        var digits = InlineArray<20, UInt8>(repeating: 0)
        var first = digits.count
        var rest = magnitude
        repeat {
            first -= 1
            digits[first] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        } while rest > 0
        bytes.append(addingCapacity: digits.count - first) { out in
            for i in first..<digits.count { out.append(digits[i]) }
        }
    }
}
