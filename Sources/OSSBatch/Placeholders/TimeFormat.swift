/// A strftime-style format for `{date:…}` and `{time:…}`, limited to conversions that print the same on
/// every machine: numbers, English day and month names, the UTC offset. No locale, no `%c`/`%x`.
struct TimeFormat: Sendable, Hashable {
    private enum Piece: Sendable, Hashable {
        case literal(String)
        case conversion(Character)
    }

    private let pieces: [Piece]

    /// Every supported conversion and what it prints (for messages and the manual).
    static let conversions: [(Character, String)] = [
        ("Y", "year, 4 digits"), ("y", "year, 2 digits"), ("m", "month 01–12"), ("d", "day 01–31"),
        ("j", "day of the year 001–366"), ("H", "hour 00–23"), ("M", "minute 00–59"), ("S", "second 00–60"),
        ("s", "seconds since 1970-01-01 UTC"), ("F", "%Y-%m-%d"), ("T", "%H:%M:%S"),
        ("u", "weekday 1–7, Monday 1"), ("w", "weekday 0–6, Sunday 0"), ("a", "Mon…Sun"),
        ("A", "Monday…Sunday"), ("b", "Jan…Dec"), ("B", "January…December"), ("V", "ISO week 01–53"),
        ("G", "ISO week-numbering year"), ("z", "UTC offset +hhmm"), ("%", "a literal %"),
    ]

    private static let supported = Set(conversions.map(\.0))
    private static let dayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    private static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    /// Parses `text`; an unknown conversion or a lone trailing `%` is an error naming the supported ones.
    init(parsing text: String) throws(ValueProblem) {
        var pieces: [Piece] = []
        var literal = ""
        var iterator = text.makeIterator()
        while let c = iterator.next() {
            guard c == "%" else {
                literal.append(c)
                continue
            }
            guard let conversion = iterator.next() else {
                throw ValueProblem("the time format '\(text)' ends with a lone '%'; write %% for a percent sign")
            }
            guard Self.supported.contains(conversion) else {
                let list = Self.conversions.map { "%\($0.0)" }.joined(separator: " ")
                throw ValueProblem("'%\(conversion)' in the time format '\(text)' is not supported; use one of \(list)")
            }
            if !literal.isEmpty { pieces.append(.literal(literal)) }
            literal = ""
            pieces.append(.conversion(conversion))
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        // A format that prints no part of the time (`{date:YYYY-MM-DD}`, Java's letters; `{date:}`) makes the
        // same key every night: each night overwrote the last, with no error (review of e4ab55a).
        guard pieces.contains(where: { if case .conversion(let c) = $0 { c != "%" } else { false } }) else {
            throw ValueProblem(
                "the time format '\(text)' prints no part of the time, so every night would get the same key; "
                    + "write it with conversions such as %Y-%m-%d"
            )
        }
        self.pieces = pieces
    }

    func format(_ t: CivilTime) -> String {
        var out = ""
        for piece in pieces {
            switch piece {
            case .literal(let text): out += text
            case .conversion(let c): out += Self.convert(c, t)
            }
        }
        return out
    }

    private static func convert(_ c: Character, _ t: CivilTime) -> String {
        switch c {
        case "Y": return padded(t.year, 4)
        case "y": return padded(((t.year % 100) + 100) % 100, 2)
        case "m": return padded(t.month, 2)
        case "d": return padded(t.day, 2)
        case "j": return padded(t.dayOfYear, 3)
        case "H": return padded(t.hour, 2)
        case "M": return padded(t.minute, 2)
        case "S": return padded(t.second, 2)
        case "s": return String(t.epochSeconds)
        case "F": return "\(padded(t.year, 4))-\(padded(t.month, 2))-\(padded(t.day, 2))"
        case "T": return "\(padded(t.hour, 2)):\(padded(t.minute, 2)):\(padded(t.second, 2))"
        case "u": return String(t.weekday == 0 ? 7 : t.weekday)
        case "w": return String(t.weekday)
        case "a": return String(dayNames[t.weekday].prefix(3))
        case "A": return dayNames[t.weekday]
        case "b": return String(monthNames[t.month - 1].prefix(3))
        case "B": return monthNames[t.month - 1]
        case "V": return padded(t.isoWeek, 2)
        case "G": return padded(t.isoYear, 4)
        case "z":
            let minutes = abs(t.offsetSeconds) / 60
            return (t.offsetSeconds < 0 ? "-" : "+") + padded(minutes / 60, 2) + padded(minutes % 60, 2)
        default: return "%"  // "%%"; `init` admits nothing else
        }
    }

    /// `n` with leading zeros to `width` digits (a minus sign before them).
    private static func padded(_ n: Int, _ width: Int) -> String {
        let digits = String(n.magnitude)
        return (n < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
