import Foundation

/// Times in state files and JSON logs: ISO 8601, UTC, milliseconds (`2026-11-25T22:00:00.123Z`).
package enum Timestamp {
    private static let withFraction = Date.ISO8601FormatStyle.iso8601.year().month().day().dateSeparator(.dash)
        .time(includingFractionalSeconds: true).timeSeparator(.colon).timeZone(separator: .omitted)

    package static func iso8601(_ date: Date = Date()) -> String { date.formatted(withFraction) }

    /// An ISO 8601 time as OSS writes it (`2026-11-25T22:00:00.000Z`), with or without fractional seconds.
    package static func parse(_ text: String) -> Date? {
        (try? withFraction.parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
    }

    /// `parse`, for a time a person wrote (`OSSBATCH_NOW`): `nil` also when its fields name no moment. The
    /// parser moves a day 31 of November, a February 30th, an hour 25 or a minute 61 on to a later moment
    /// without a word, and a past night redone under `OSSBATCH_NOW=2026-11-31T03:00:00Z` was uploaded under
    /// the next night's keys (review of b827939).
    package static func parseWritten(_ text: String) -> Date? {
        guard let date = parse(text) else { return nil }
        let u = Array(text.utf8)
        guard u.count >= 19 else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: u[range], as: UTF8.self)) }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        // The offset written after the time (and any fraction): `Z`, `±HH:MM` or `±HHMM`.
        var offset = 0
        if let sign = u.lastIndex(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }), sign > 18 {
            let digits = u[(sign + 1)...].filter { $0 != UInt8(ascii: ":") }
            guard digits.count == 4, let hh = Int(String(decoding: digits.prefix(2), as: UTF8.self)),
                let mm = Int(String(decoding: digits.suffix(2), as: UTF8.self)), hh < 24, mm < 60
            else { return nil }
            offset = (hh * 60 + mm) * 60 * (u[sign] == UInt8(ascii: "-") ? -1 : 1)
        }
        guard let zone = TimeZone(secondsFromGMT: offset) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let read = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let written = (year, month, day, hour, minute, second)
        return (read.year, read.month, read.day, read.hour, read.minute, read.second) == written ? date : nil
    }
}
