/// Reads a format-2 job line (`JobRecord`: report, plan and journal lines) straight from its bytes when it
/// has the usual shape: one flat object of known keys whose values are plain strings and integers.
///
/// Why it exists: `resume` of a finished 1,000,000-job report spent ~20 s of its start-up in Foundation's
/// `JSONDecoder`, one call per job line at ~25–30 µs of CPU each (docs/performance.md § Memory and state at
/// scale); this reads such a line in ~3 µs on the same (loaded) box, and that resume went from ~26 to ~11
/// CPU seconds with `JobLineWriter`.
///
/// It is only a fast path. Any line it does not fully understand gives `nil` — an unknown or repeated key, a
/// nested value (`callback`, `error`, `warnings`), `null`, a number that is not a plain integer in range, an
/// escape it does not read, a lone surrogate, bytes that are not UTF-8, anything after the object — and the
/// caller decodes that line with `JSONDecoder`, so that odd-but-valid lines read as before and invalid ones
/// fail with the same errors. What it accepts it reads exactly as `JSONDecoder` does (`JobLineScannerTests`
/// compares the two on written and on mutated lines); the record is then converted and validated by the same
/// code either way.
package struct JobLineScanner {
    private let bytes: ArraySlice<UInt8>
    private var position: Int

    private init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    /// The record of `line`, or `nil` when the line must be decoded by `JSONDecoder`.
    static func record(_ line: ArraySlice<UInt8>) -> JobRecord? {
        var scanner = JobLineScanner(line)
        return scanner.object()
    }

    private mutating func object() -> JobRecord? {
        skipWhitespace()
        guard take(UInt8(ascii: "{")) else { return nil }
        var record = JobRecord(key: "")
        var hasKey = false
        repeat {
            skipWhitespace()
            guard let member = memberName() else { return nil }
            skipWhitespace()
            guard take(UInt8(ascii: ":")) else { return nil }
            skipWhitespace()
            let read: Bool
            // A member already set is a repeated key: `JSONDecoder` decides what that means.
            switch member {
            case .key:
                guard !hasKey, let key = string() else { return nil }
                (record.key, hasKey, read) = (key, true, true)
            case .dir: read = Self.fill(&record.dir, integer())
            case .name: read = Self.fill(&record.name, string())
            case .size: read = Self.fill(&record.size, integer())
            case .mtimeNs: read = Self.fill(&record.mtimeNs, string())
            case .inode: read = Self.fill(&record.inode, string())
            case .device: read = Self.fill(&record.device, integer())
            case .partSize: read = Self.fill(&record.partSize, integer())
            case .partCount: read = Self.fill(&record.partCount, integer())
            case .options: read = Self.fill(&record.options, integer())
            case .status: read = Self.fill(&record.status, string().flatMap(JobStatus.init(rawValue:)))
            case .reason: read = Self.fill(&record.reason, string().flatMap(SkipReason.init(rawValue:)))
            case .uploadID: read = Self.fill(&record.uploadID, string())
            case .etag: read = Self.fill(&record.etag, string())
            case .crc64: read = Self.fill(&record.crc64, string())
            case .attempts: read = Self.fill(&record.attempts, integer())
            case .bytesSent: read = Self.fill(&record.bytesSent, integer())
            case .partsReused: read = Self.fill(&record.partsReused, integer())
            case .durationMs: read = Self.fill(&record.durationMs, integer())
            case .checkpoint: read = Self.fill(&record.checkpoint, string())
            case .ctimeNs: read = Self.fill(&record.ctimeNs, string())
            case .copiedFrom: read = Self.fill(&record.copiedFrom, string())
            case .callback, .error, .warnings: read = false  // nested values: rare (failed jobs), left to JSONDecoder
            }
            guard read else { return nil }
            skipWhitespace()
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")) else { return nil }
        skipWhitespace()
        guard position == bytes.endIndex, hasKey else { return nil }
        return record
    }

    /// Sets an unset member; `false` when it was set already (a repeated key) or the value was not read.
    private static func fill<Value>(_ member: inout Value?, _ value: Value?) -> Bool {
        guard member == nil, let value else { return false }
        member = value
        return true
    }

    // MARK: tokens

    private var current: UInt8? { position < bytes.endIndex ? bytes[position] : nil }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard current == byte else { return false }
        position += 1
        return true
    }

    /// JSON's whitespace: space, tab, line feed, carriage return.
    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
    }

    /// A known member's name, without escapes (no known name needs one): found by its bytes, with no
    /// `String` made (a line has a dozen names, and matching a `String` against 25 names is not cheap).
    private mutating func memberName() -> JobRecord.CodingKeys? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = position
        var packed = PackedName()
        while let byte = current, byte != UInt8(ascii: "\"") {
            guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\"), packed.append(byte) else { return nil }
            position += 1
        }
        guard take(UInt8(ascii: "\"")), position - 1 > start else { return nil }
        let entry = Self.members[packed.shape(first: bytes[start], last: bytes[position - 2])]
        return entry.name == packed ? entry.member : nil
    }

    /// A member's name of up to 16 bytes as two numbers, compared at once.
    private struct PackedName: Equatable {
        var low: UInt64 = 0
        var high: UInt64 = 0
        var count = 0

        /// `false` when the name is longer than any member's can be.
        mutating func append(_ byte: UInt8) -> Bool {
            guard count < 16 else { return false }
            if count < 8 { low |= UInt64(byte) << (8 * count) } else { high |= UInt64(byte) << (8 * (count - 8)) }
            count += 1
            return true
        }

        /// The name's length, first and last byte, which tell the members apart, as an index into `members`.
        func shape(first: UInt8, last: UInt8) -> Int { (count & 0xF) << 10 | Int(first & 0x1F) << 5 | Int(last & 0x1F) }
    }

    /// The member of each shape (none for a shape no member has, or more than one: such a name is left to
    /// `JSONDecoder`).
    private static let members: [(name: PackedName, member: JobRecord.CodingKeys?)] = {
        var table = [(name: PackedName, member: JobRecord.CodingKeys?)](
            repeating: (PackedName(), nil),
            count: 1 << 14
        )
        var taken = Set<Int>()
        for member in JobRecord.CodingKeys.allCases {
            let bytes = Array(member.stringValue.utf8)
            var name = PackedName()
            for byte in bytes { precondition(name.append(byte), "a member's name is longer than 16 bytes") }
            let index = name.shape(first: bytes[0], last: bytes[bytes.count - 1])
            table[index] = taken.insert(index).inserted ? (name, member) : (PackedName(), nil)
        }
        return table
    }()

    /// A string value: its bytes between the quotes when it has no escape, which must be UTF-8.
    private mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = position
        var ascii = true
        while let byte = current {
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                let text = bytes[start..<(position - 1)]
                // ASCII is UTF-8 as it is: no validation (which costs more than the rest of the string).
                return ascii ? String(decoding: text, as: UTF8.self) : String(validating: text, as: UTF8.self)
            case UInt8(ascii: "\\"): return escapedString(from: start, ascii: ascii)
            case 0x00..<0x20: return nil  // JSON requires control characters escaped
            default:
                if byte >= 0x80 { ascii = false }
                position += 1
            }
        }
        return nil
    }

    /// The rest of a string from its first escape (at `position`), its first bytes from `start` (`ascii`
    /// when they are).
    private mutating func escapedString(from start: Int, ascii: Bool) -> String? {
        var text = Array(bytes[start..<position])
        var ascii = ascii  // the bytes written raw
        while let byte = current {
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                // Escapes add whole UTF-8 sequences, so a broken sequence written raw stays broken here, and
                // only raw bytes need validating.
                return ascii ? String(decoding: text, as: UTF8.self) : String(validating: text, as: UTF8.self)
            case 0x00..<0x20: return nil
            case UInt8(ascii: "\\"):
                guard let escaped = current else { return nil }
                position += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(escaped)
                case UInt8(ascii: "b"): text.append(0x08)
                case UInt8(ascii: "f"): text.append(0x0C)
                case UInt8(ascii: "n"): text.append(0x0A)
                case UInt8(ascii: "r"): text.append(0x0D)
                case UInt8(ascii: "t"): text.append(0x09)
                case UInt8(ascii: "u"):
                    guard let scalar = unicodeEscape() else { return nil }
                    UTF8.encode(scalar) { text.append($0) }
                default: return nil
                }
            default:
                if byte >= 0x80 { ascii = false }
                text.append(byte)
            }
        }
        return nil
    }

    /// The scalar of a `\uXXXX` escape (its `\u` read), a surrogate pair as one; `nil` for a lone surrogate.
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let unit = hexUnit() else { return nil }
        switch unit {
        case 0xD800..<0xDC00:
            guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")), let low = hexUnit(),
                (0xDC00..<0xE000).contains(low)
            else { return nil }
            return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
        case 0xDC00..<0xE000: return nil
        default: return Unicode.Scalar(unit)
        }
    }

    /// Four hexadecimal digits.
    private mutating func hexUnit() -> UInt32? {
        var unit: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current else { return nil }
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            unit = unit << 4 | UInt32(digit)
            position += 1
        }
        return unit
    }

    /// An integer written as JSON writes one plainly (`0`, `-12`, no leading zero, fraction or exponent) that
    /// fits `Value`; `-0` is left to `JSONDecoder`.
    private mutating func integer<Value: FixedWidthInteger>() -> Value? {
        let negative = take(UInt8(ascii: "-"))
        let digits = position
        var value: Value = 0
        while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            let (shifted, overflowed) = value.multipliedReportingOverflow(by: 10)
            let digit = Value(truncatingIfNeeded: byte - UInt8(ascii: "0"))
            // Negative numbers are built downwards, so that the most negative value fits.
            let (next, overflowedAgain) =
                negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflowed, !overflowedAgain else { return nil }
            value = next
            position += 1
        }
        guard position > digits, bytes[digits] != UInt8(ascii: "0") || position == digits + 1 else {
            return nil  // no digits, or a leading zero
        }
        if let byte = current, byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            return nil
        }
        if negative && value == 0 { return nil }
        return value
    }
}
