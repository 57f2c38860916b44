/// A moment as calendar fields at a fixed offset from UTC (proleptic Gregorian calendar): what a
/// strftime conversion reads. Pure arithmetic, so a key is the same on every machine and in every locale.
struct CivilTime: Sendable, Hashable {
    var year: Int
    /// 1–12.
    var month: Int
    /// 1–31.
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int
    /// 0 = Sunday … 6 = Saturday.
    var weekday: Int
    /// 1–366.
    var dayOfYear: Int
    /// The ISO 8601 week-numbering year and week (1–53): weeks start on Monday, week 1 holds January 4.
    var isoYear: Int
    var isoWeek: Int
    /// Seconds since 1970-01-01T00:00:00Z (the moment itself, whatever the offset).
    var epochSeconds: Int64
    /// Seconds east of UTC.
    var offsetSeconds: Int

    init(epochSeconds: Int64, offsetSeconds: Int) {
        self.epochSeconds = epochSeconds
        self.offsetSeconds = offsetSeconds
        let local = epochSeconds + Int64(offsetSeconds)
        let days = Self.floorDivide(local, 86_400)
        let secondOfDay = Int(local - days * 86_400)
        (hour, minute, second) = (secondOfDay / 3600, secondOfDay % 3600 / 60, secondOfDay % 60)
        (year, month, day) = Self.civil(fromDays: days)
        weekday = Int(Self.floorModulo(days + 4, 7))  // 1970-01-01 was a Thursday
        dayOfYear = Int(days - Self.days(year: year, month: 1, day: 1)) + 1
        // The ISO year is the year of this week's Thursday.
        let thursday = days - Int64((weekday + 6) % 7) + 3
        isoYear = Self.civil(fromDays: thursday).year
        isoWeek = Int((thursday - Self.days(year: isoYear, month: 1, day: 1)) / 7) + 1
    }

    /// Days since 1970-01-01 of a civil date (Howard Hinnant's `days_from_civil`).
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let shiftedMonth = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0)), Int(month), Int(day))
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func floorModulo(_ a: Int64, _ b: Int64) -> Int64 { a - floorDivide(a, b) * b }
}
