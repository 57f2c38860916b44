import Foundation
import Testing

@testable import OSSBatch

/// Key templates: placeholders, escapes, strftime conversions, and every mistake with its message.
@Suite struct KeyTemplateTests {
    /// 2026-12-02T03:04:05Z, a Wednesday.
    static let moment: Int64 = 1_796_180_645

    private func context(offset: Int = 0, environment: [String: String] = [:]) -> PlaceholderContext {
        PlaceholderContext(
            time: CivilTime(epochSeconds: Self.moment, offsetSeconds: offset),
            hostname: "web01",
            environment: environment,
            name: "nightly"
        )
    }

    private func resolve(_ text: String, offset: Int = 0, environment: [String: String] = [:]) throws -> String {
        try KeyTemplate(parsing: text).resolve(context(offset: offset, environment: environment))
    }

    private func problem(_ text: String, environment: [String: String] = [:]) -> String? {
        do {
            _ = try KeyTemplate(parsing: text).resolve(context(environment: environment))
            return nil
        } catch {
            return error.message
        }
    }

    @Test func everyPlaceholderIsReplaced() throws {
        #expect(
            try resolve("{name}/{hostname}/{date:%Y/%m/%d}/{env:ROLE}/", environment: ["ROLE": "db"])
                == "nightly/web01/2026/12/02/db/"
        )
        #expect(try resolve("{date}_{time}") == "2026-12-02_030405")
        #expect(try resolve("plain/key.txt") == "plain/key.txt")
        #expect(try KeyTemplate(parsing: "plain/key.txt").hasPlaceholders == false)
        #expect(try KeyTemplate(parsing: "{{date}}").hasPlaceholders == false)
        #expect(try KeyTemplate(parsing: "a{name}").hasPlaceholders)
    }

    @Test func doubledBracesAreLiteralBraces() throws {
        #expect(try resolve("{{date}}/{{{date}}}") == "{date}/{2026-12-02}")
        #expect(try resolve("a}}b{{c") == "a}b{c")
    }

    @Test func theTimeZoneOffsetMovesTheDate() throws {
        // 03:04 UTC is 11:04 in Shanghai (+8) and 22:04 the day before in New York (-5).
        #expect(try resolve("{date:%F %H:%M %z}", offset: 8 * 3600) == "2026-12-02 11:04 +0800")
        #expect(try resolve("{date:%F %H:%M %z}", offset: -5 * 3600) == "2026-12-01 22:04 -0500")
        #expect(try resolve("{date:%z}", offset: 5 * 3600 + 1800) == "+0530")
    }

    @Test func everyConversionPrintsWhatStrftimeDoes() throws {
        #expect(
            try resolve("{date:%Y %y %m %d %j %H %M %S %s %F %T}")
                == "2026 26 12 02 336 03 04 05 1796180645 2026-12-02 03:04:05"
        )
        #expect(try resolve("{date:%u %w %a %A %b %B %V %G %%}") == "3 3 Wed Wednesday Dec December 49 2026 %")
    }

    @Test(arguments: [
        // (UTC date, ISO week-numbering year and week): the edges where the ISO year is not the calendar year.
        ("2026-01-01", "2026-W01"), ("2027-01-01", "2026-W53"), ("2024-12-30", "2025-W01"),
        ("2021-01-03", "2020-W53"), ("2000-02-29", "2000-W09"), ("1969-12-31", "1970-W01"),
    ])
    func isoWeeksMatchTheCalendar(date: String, week: String) throws {
        let parts = date.split(separator: "-").compactMap { Int($0) }
        let days = CivilTime.days(year: parts[0], month: parts[1], day: parts[2])
        let time = CivilTime(epochSeconds: days * 86_400, offsetSeconds: 0)
        #expect(try TimeFormat(parsing: "%G-W%V").format(time) == week)
        #expect(try TimeFormat(parsing: "%F").format(time) == date)
    }

    /// A format that prints no part of the time (Java's letters, an empty one, only `%%`) is refused: the key
    /// was the same every night, each night over the last (review of e4ab55a).
    @Test(arguments: ["YYYY-MM-DD", "", "%%", "yyyyMMdd"])
    func aTimeFormatThatPrintsNoPartOfTheTimeIsRefused(format: String) {
        #expect(throws: ValueProblem.self) { try TimeFormat(parsing: format) }
        #expect(throws: ValueProblem.self) { try KeyTemplate(parsing: "db/{date:\(format)}/") }
    }

    @Test func civilDatesRoundTripOverFourCenturies() {
        var previous = CivilTime.civil(fromDays: CivilTime.days(year: 1900, month: 1, day: 1) - 1)
        for day in CivilTime.days(year: 1900, month: 1, day: 1)...CivilTime.days(year: 2300, month: 12, day: 31) {
            let civil = CivilTime.civil(fromDays: day)
            #expect(CivilTime.days(year: civil.year, month: civil.month, day: civil.day) == day)
            // Consecutive: the next day of the month, or the first of the next month.
            let next = civil.day == previous.day + 1 || (civil.day == 1 && civil.month != previous.month)
            if !next { Issue.record("\(previous) → \(civil)") }
            previous = civil
        }
    }

    @Test func anUnsetOrEmptyVariableIsAnErrorNamingIt() {
        #expect(problem("{env:BACKUP_ROLE}/") == "{env:BACKUP_ROLE}: the environment variable BACKUP_ROLE is not set")
        #expect(
            problem("{env:BACKUP_ROLE}/", environment: ["BACKUP_ROLE": ""])
                == "{env:BACKUP_ROLE}: the environment variable BACKUP_ROLE is empty"
        )
    }

    @Test func mistakesAreReadErrorsWithAWayOut() {
        #expect(problem("a{date") == "'a{date' has a '{' without its '}'; write {{ for a literal brace")
        #expect(problem("a{da{te}") == "'a{da{te}' has a '{' without its '}'; write {{ for a literal brace")
        #expect(problem("a}b") == "'a}b' has a '}' without its '{'; write }} for a literal brace")
        #expect(problem("{hostname:short}") == "{hostname} takes no argument (in '{hostname:short}')")
        #expect(problem("{env:}")?.hasPrefix("'{env:}' in '{env:}' needs the name of an environment variable") == true)
        #expect(problem("{env:9X}")?.contains("needs the name of an environment variable") == true)
        #expect(
            problem("{dat:%Y}")?.hasPrefix("'{dat:%Y}' in '{dat:%Y}' is not a placeholder (did you mean {date:%Y}?)")
                == true
        )
        #expect(problem("${HOME}/x")?.contains("(ossbatch expands no shell variables: write {env:HOME})") == true)
        #expect(
            problem("{}")?.contains("placeholders are {date:FORMAT}, {time:FORMAT}, {hostname}, {env:NAME} and {name}")
                == true
        )
        #expect(problem("{date:%Q}")?.hasPrefix("'%Q' in the time format '%Q' is not supported; use one of %Y") == true)
        #expect(problem("{date:%Y%}") == "the time format '%Y%' ends with a lone '%'; write %% for a percent sign")
    }
}
