import Foundation

/// Parses sizes as the manifest writes them: `8MiB`, `100KB`, `512` (bytes). Binary units are powers
/// of 1024, decimal units powers of 1000. Fractions are allowed when the result is a whole byte count.
package enum ByteSize {
    private static let units: [(String, Double)] = [
        ("TiB", 1_099_511_627_776), ("GiB", 1_073_741_824), ("MiB", 1_048_576), ("KiB", 1024),
        ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3), ("B", 1),
    ]

    /// The units, for error messages.
    package static let unitNames = "B, KiB, MiB, GiB, TiB, KB, MB, GB, TB"

    /// Bytes, or `nil` when `text` is not a size (or not a whole number of bytes that fits in 63 bits).
    package static func parse(_ text: String) -> Int64? {
        guard let bytes = amount(text), bytes < 9.2e18, bytes == bytes.rounded() else { return nil }
        return Int64(bytes)
    }

    /// The number of bytes `text` says, unrounded and unbounded (a range check comes first), or `nil`
    /// when `text` is not a size.
    static func amount(_ text: String) -> Double? { parseNumber(text, units: units) }

    /// `bytes` in the manifest's own syntax, exactly: `100KiB`, `5GiB`, `1B`. For ranges in messages.
    package static func formatExact(_ bytes: Int64) -> String {
        for (unit, value) in units where unit.hasSuffix("iB") && bytes != 0 && bytes % Int64(value) == 0 {
            return "\(bytes / Int64(value))\(unit)"
        }
        return "\(bytes)B"
    }

    /// `1.5 MiB`-style text for people (binary units, one decimal).
    package static func format(_ bytes: Int64) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        var value = Double(bytes)
        for unit in ["KiB", "MiB", "GiB", "TiB", "PiB"] {
            value /= 1024
            if value < 1024 || unit == "PiB" {
                let tenths = Int((value * 10).rounded())
                return "\(tenths / 10).\(tenths % 10) \(unit)"
            }
        }
        return "\(bytes) B"
    }
}

/// Parses durations: `200ms`, `20s`, `5m`; a plain number is seconds.
package enum DurationText {
    private static let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]

    /// Seconds, or `nil` when `text` is not a duration.
    package static func parse(_ text: String) -> Double? {
        parseNumber(text, units: units)
    }

    /// `seconds` in the manifest's own syntax, in the largest unit that is exact: `1h`, `90s`, `200ms`.
    package static func formatExact(_ seconds: Double) -> String {
        for (unit, value) in units.reversed() where seconds != 0 {
            let count = (seconds / value).rounded()
            if abs(seconds / value - count) < 1e-9, count < 1e15 { return "\(Int64(count))\(unit)" }
        }
        return seconds == 0 ? "0s" : "\(seconds)s"
    }

    /// `0.4 s`, `26 s`, `3 m 05 s`, `2 h 10 m`: for progress lines and summaries.
    package static func format(_ seconds: Double) -> String {
        if seconds < 10 { return String(format: "%.1f s", seconds) }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s) s" }
        if s < 3600 { return String(format: "%d m %02d s", s / 60, s % 60) }
        return String(format: "%d h %02d m", s / 3600, (s % 3600) / 60)
    }
}

/// A decimal number followed by one of `units` (or none: multiplier 1), times the unit's multiplier.
private func parseNumber(_ text: String, units: [(String, Double)]) -> Double? {
    let trimmed = text.trimmingSpaces
    var multiplier = 1.0
    var number = Substring(trimmed)
    for (unit, value) in units where trimmed.hasSuffix(unit) {
        multiplier = value
        number = trimmed.dropLast(unit.count)
        break
    }
    let digits = String(number).trimmingSpaces
    guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), Double(digits) != nil,
        let value = Decimal(string: digits)
    else { return nil }
    // In decimal, exactly: as `Double`s, 8.2 × 1,000,000 is 8,199,999.999999999, and `part_size: 8.2MB` was
    // refused as "not a whole number of bytes" (review of e4ab55a). The unit multipliers are whole numbers.
    return NSDecimalNumber(decimal: value * Decimal(multiplier)).doubleValue
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let first = s.first, first == " " { s.removeFirst() }
        while let last = s.last, last == " " { s.removeLast() }
        return String(s)
    }
}
