import Foundation
import OSSBatch
import Testing

/// Which stopped nights leave their snapshot incomplete: files not uploaded, under keys no later night
/// resolved alike.
@Suite struct SnapshotLeftIncompleteTests {
    private static func keys(_ resolved: String, at time: String = "2026-10-22T02:00:00.000Z") -> KeyResolution {
        KeyResolution(
            time: time,
            timeZone: "UTC",
            fields: [.init(path: "files[0].key_prefix", written: "web01/{date}/", resolved: resolved)]
        )
    }

    private static func totals(jobs: Int, pending: Int = 0, failed: Int = 0) -> ReportTotals {
        var totals = ReportTotals()
        (totals.jobs, totals.pending, totals.failed) = (jobs, pending, failed)
        totals.succeeded = jobs - pending - failed
        return totals
    }

    @Test func aStoppedNightWhoseDatedKeysNoLaterNightPlannedIsIncomplete() throws {
        let night = Self.keys("web01/2026-10-22/")
        let reason = try #require(
            SnapshotLeftIncomplete.reason(
                status: .fatal,
                totals: Self.totals(jobs: 5, pending: 3, failed: 1),
                keys: night,
                newer: [Self.keys("web01/2026-10-23/"), nil]
            )
        )
        #expect(
            reason.hasPrefix(
                "4 of its 5 files were never uploaded under its keys (files[0].key_prefix web01/2026-10-22/)"
            )
        )
        #expect(
            SnapshotLeftIncomplete.reason(
                status: .failed,
                totals: Self.totals(jobs: 1, failed: 1),
                keys: night,
                newer: []
            )
                != nil
        )
    }

    @Test func aLaterNightWithTheSameKeysAtAnotherMomentCoversIt() {
        // `{hostname}/`, or a second run the same day: resolved alike, at another moment.
        let night = Self.keys("web01/2026-10-22/")
        let later = Self.keys("web01/2026-10-22/", at: "2026-10-22T09:00:00.000Z")
        #expect(
            SnapshotLeftIncomplete.reason(
                status: .fatal,
                totals: Self.totals(jobs: 2, pending: 2),
                keys: night,
                newer: [later]
            )
                == nil
        )
    }

    @Test func aNightThatUploadedEverythingOrHadNoPlaceholderOrIsNotStoppedIsNot() {
        let night = Self.keys("web01/2026-10-22/")
        let pending = Self.totals(jobs: 2, pending: 2)
        #expect(
            SnapshotLeftIncomplete.reason(status: .fatal, totals: Self.totals(jobs: 2), keys: night, newer: []) == nil
        )
        #expect(SnapshotLeftIncomplete.reason(status: .fatal, totals: pending, keys: nil, newer: []) == nil)
        // Interrupted and running reports are unfinished already; aborted ones were given up on purpose.
        for status in [RunStatus.succeeded, .aborted, .interrupted, .running] {
            #expect(SnapshotLeftIncomplete.reason(status: status, totals: pending, keys: night, newer: []) == nil)
        }
    }

    @Test func keyResolutionIsWrittenInSnakeCase() throws {
        let data = try JSONEncoder().encode(Self.keys("web01/2026-10-22/"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["time", "time_zone", "fields"])
        #expect(try JSONDecoder().decode(KeyResolution.self, from: data) == Self.keys("web01/2026-10-22/"))
    }
}
