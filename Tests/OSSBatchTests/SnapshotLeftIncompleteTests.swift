import Foundation
import OSSBatch
import Testing

/// Which stopped nights leave their snapshot incomplete: files not uploaded, under keys no other night
/// planned.
@Suite struct SnapshotLeftIncompleteTests {
    private typealias Night = SnapshotLeftIncomplete.Night

    private static func keys(_ resolved: String...) -> KeyResolution {
        KeyResolution(
            time: "2026-10-22T02:00:00.000Z",
            timeZone: "UTC",
            fields: resolved.enumerated().map {
                .init(path: "files[\($0.offset)].key_prefix", written: "web01/{date}/", resolved: $0.element)
            }
        )
    }

    private static func night(_ createdAt: String, ran: Bool = true, _ resolved: String...) -> Night {
        Night(
            createdAt: createdAt,
            ran: ran,
            keys: keys(resolved, at: createdAt),
            stopped: false,
            totals: ReportTotals()
        )
    }

    private static func keys(_ resolved: [String], at createdAt: String) -> KeyResolution? {
        resolved.isEmpty
            ? nil
            : KeyResolution(
                time: createdAt,
                timeZone: "UTC",
                fields: resolved.enumerated().map {
                    .init(path: "files[\($0.offset)].key_prefix", written: "x", resolved: $0.element)
                }
            )
    }

    private static func totals(jobs: Int, pending: Int = 0, failed: Int = 0) -> ReportTotals {
        var totals = ReportTotals()
        (totals.jobs, totals.pending, totals.failed) = (jobs, pending, failed)
        totals.succeeded = jobs - pending - failed
        return totals
    }

    private static func reason(
        _ night: Night,
        stopped: Bool = true,
        _ totals: ReportTotals,
        among others: [Night]
    ) -> String? {
        var night = night
        (night.stopped, night.totals) = (stopped, totals)
        return SnapshotLeftIncomplete.reason(of: night, among: [night] + others)
    }

    @Test func aStoppedNightWhoseDatedKeysNoLaterNightPlannedIsIncomplete() throws {
        let night = Self.night("2026-10-22T02:00:00.000Z", "web01/2026-10-22/")
        let reason = try #require(
            Self.reason(
                night,
                Self.totals(jobs: 5, pending: 3, failed: 1),
                among: [
                    Self.night("2026-10-23T02:00:00.000Z", "web01/2026-10-23/"), Self.night("2026-10-24T02:00:00.000Z"),
                ]
            )
        )
        #expect(
            reason.hasPrefix(
                "4 of its 5 files were never uploaded under its keys (files[0].key_prefix web01/2026-10-22/)"
            )
        )
        let one = try #require(Self.reason(night, Self.totals(jobs: 1, failed: 1), among: []))
        #expect(one.hasPrefix("1 of its 1 file was never uploaded"))
        // An earlier night with the same keys does not cover a later one that ran.
        #expect(
            Self.reason(
                night,
                Self.totals(jobs: 1, failed: 1),
                among: [Self.night("2026-10-21T02:00:00.000Z", "web01/2026-10-22/")]
            ) != nil
        )
    }

    @Test func aLaterNightThatPlannedTheSameKeysCoversItWhateverTheEntryOrSpelling() {
        // `{hostname}/`, or a second run the same day, or the entries reordered: the same resolved keys.
        let night = Self.night("2026-10-22T02:00:00.000Z", "web01/2026-10-22/", "db/2026-10-22/")
        let pending = Self.totals(jobs: 2, pending: 2)
        #expect(
            Self.reason(
                night,
                pending,
                among: [Self.night("2026-10-22T09:00:00.000Z", "db/2026-10-22/", "web01/2026-10-22/", "more/")]
            ) == nil
        )
        // Not when it planned only some of them, or never ran (refused as busy).
        #expect(
            Self.reason(night, pending, among: [Self.night("2026-10-22T09:00:00.000Z", "web01/2026-10-22/")]) != nil
        )
        #expect(
            Self.reason(
                night,
                pending,
                among: [Self.night("2026-10-22T09:00:00.000Z", ran: false, "web01/2026-10-22/", "db/2026-10-22/")]
            ) != nil
        )
    }

    @Test func aNightRefusedAsBusyIsCoveredByTheNightThatHeldTheBatchWhenItWasTheSameDays() {
        let refused = Self.night("2026-10-23T02:00:00.000Z", ran: false, "web01/2026-10-23/")
        let pending = Self.totals(jobs: 2, pending: 2)
        // The night before, still running: another day's keys.
        #expect(
            Self.reason(refused, pending, among: [Self.night("2026-10-22T02:00:00.000Z", "web01/2026-10-22/")]) != nil
        )
        // Twice a day, the morning's run still going: the same keys.
        #expect(
            Self.reason(refused, pending, among: [Self.night("2026-10-23T01:00:00.000Z", "web01/2026-10-23/")]) == nil
        )
    }

    @Test func aNightThatUploadedEverythingOrHadNoPlaceholderOrDidNotStopIsNot() {
        let night = Self.night("2026-10-22T02:00:00.000Z", "web01/2026-10-22/")
        let pending = Self.totals(jobs: 2, pending: 2)
        #expect(Self.reason(night, Self.totals(jobs: 2), among: []) == nil)
        #expect(Self.reason(Self.night("2026-10-22T02:00:00.000Z"), pending, among: []) == nil)
        #expect(Self.reason(night, stopped: false, pending, among: []) == nil)
    }

    @Test func totalsEditedToOverflowAreCountedNotTrapped() throws {
        var totals = Self.totals(jobs: 2, pending: 1)
        totals.pending = Int.max
        totals.failed = 1
        let night = Self.night("2026-10-22T02:00:00.000Z", "web01/2026-10-22/")
        #expect(try #require(Self.reason(night, totals, among: [])).hasPrefix("\(Int.max) of its 2 files"))
    }

    @Test func keyResolutionIsWrittenInSnakeCase() throws {
        let data = try JSONEncoder().encode(Self.keys("web01/2026-10-22/"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["time", "time_zone", "fields"])
        #expect(try JSONDecoder().decode(KeyResolution.self, from: data) == Self.keys("web01/2026-10-22/"))
    }
}
