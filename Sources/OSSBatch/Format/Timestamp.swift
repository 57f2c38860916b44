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
}
