/// A UTC instant at one-second resolution in the two forms OSS uses: `x-oss-date` (`20261125T185010Z`) and the
/// HTTP `Date` header (`Wed, 25 Nov 2026 18:50:10 GMT`). Pure arithmetic (no locale, no formatter state), so
/// it is `Sendable` and identical on every platform.
public struct SigningTime: Sendable, Hashable, Comparable {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var epochSeconds: Int64

    public init(epochSeconds: Int64) { self.epochSeconds = epochSeconds }

    public static func < (a: SigningTime, b: SigningTime) -> Bool { a.epochSeconds < b.epochSeconds }

    /// `YYYYMMDDTHHMMSSZ`, the V4 `x-oss-date`.
    public var iso8601Basic: String {
        let c = civil
        return pad(c.year, 4) + pad(c.month, 2) + pad(c.day, 2) + "T" + pad(c.hour, 2) + pad(c.minute, 2)
            + pad(c.second, 2) + "Z"
    }

    /// `YYYYMMDD`, the date in the V4 scope.
    public var day: String { String(iso8601Basic.prefix(8)) }

    /// RFC 1123, the `Date` header and the V1 string to sign.
    public var rfc1123: String {
        let c = civil
        // 1970-01-01 was a Thursday.
        let weekday = Self.weekdays[Int(((epochSeconds.floorDiv(86_400) % 7) + 7 + 4) % 7)]
        return
            "\(weekday), \(pad(c.day, 2)) \(Self.months[c.month - 1]) \(pad(c.year, 4)) \(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2)) GMT"
    }

    /// Parses `YYYYMMDDTHHMMSSZ`.
    public init?(iso8601Basic text: String) {
        let b = Array(text.utf8)
        guard b.count == 16, b[8] == UInt8(ascii: "T"), b[15] == UInt8(ascii: "Z"),
            let y = Self.number(b[0..<4]), let mo = Self.number(b[4..<6]), let d = Self.number(b[6..<8]),
            let h = Self.number(b[9..<11]), let mi = Self.number(b[11..<13]), let s = Self.number(b[13..<15]),
            let t = Self.epoch(year: y, month: mo, day: d, hour: h, minute: mi, second: s)
        else { return nil }
        epochSeconds = t
    }

    /// Parses an RFC 1123 date (`Wed, 25 Nov 2026 18:50:10 GMT`), as servers send in `Date`.
    public init?(rfc1123 text: String) {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT" || parts[5] == "UTC",
            let d = Int(parts[1]), let mo = Self.months.firstIndex(of: String(parts[2])), let y = Int(parts[3])
        else { return nil }
        let clock = parts[4].split(separator: ":")
        guard clock.count == 3, let h = Int(clock[0]), let mi = Int(clock[1]), let s = Int(clock[2]),
            let t = Self.epoch(year: y, month: mo + 1, day: d, hour: h, minute: mi, second: s)
        else { return nil }
        epochSeconds = t
    }

    private struct Civil { var year, month, day, hour, minute, second: Int }

    // Howard Hinnant's days-from-civil / civil-from-days algorithms (public-domain arithmetic).
    private var civil: Civil {
        let days = epochSeconds.floorDiv(86_400)
        let secs = Int(epochSeconds - days * 86_400)
        let z = days + 719_468
        let era = z.floorDiv(146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return Civil(
            year: Int(y),
            month: Int(m),
            day: Int(d),
            hour: secs / 3600,
            minute: secs / 60 % 60,
            second: secs % 60
        )
    }

    private static func epoch(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int64? {
        // Four-digit years only: what the formats allow, and far from overflowing the arithmetic below.
        guard (0...9999).contains(year), (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour),
            (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = y.floorDiv(400)
        let yoe = y - era * 400
        let mp = Int64(month > 2 ? month - 3 : month + 9)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var n = 0
        for b in digits {
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
            n = n * 10 + Int(b - UInt8(ascii: "0"))
        }
        return n
    }

    private func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}

extension Int64 {
    /// Division rounding toward negative infinity (dates before 1970 stay correct).
    fileprivate func floorDiv(_ d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}

extension SigningTime {
    /// The times a server's `Date` may name to be believed: 2000-01-01 up to 9000-01-01 (UTC). A clock
    /// corrected to one later, carried past 9999-12-31 by the seconds after, made a 5-digit year that the V4
    /// signature's date cannot hold, and every request after trapped (review of b7bf3fd: a `Date` of
    /// 9999-12-31T23:59:59 on an answer `RequestTimeTooSkewed`, from anyone on an `http://` path).
    public static let believableServerTimes: ClosedRange<Int64> = 946_684_800...221_845_392_000

    /// A server's `Date` header (RFC 1123), when it names a time in `believableServerTimes`.
    public init?(serverDate text: String) {
        guard let time = SigningTime(rfc1123: text), Self.believableServerTimes.contains(time.epochSeconds) else {
            return nil
        }
        self = time
    }
}
