import Foundation
import OSSKit
import Testing

@testable import OSSBatch

/// Which open uploads `abort` may take for a batch's own: those started while one of its runs went, by OSS's
/// clock when this machine's is found far off it.
@Suite struct StrayUploadsTests {
    static let runStart = Date(timeIntervalSince1970: 1_796_000_000)

    static func upload(_ id: String, initiated: Date) -> MultipartUploadSummary {
        MultipartUploadSummary(key: "k", uploadID: id, initiated: Timestamp.iso8601(initiated))
    }

    static var windows: [ClosedRange<Date>] { [runStart...runStart.addingTimeInterval(600)] }

    @Test func anOffsetWithinTheSkewAllowanceLeavesTheWindowsAsTheyAre() {
        #expect(StrayUploads.onServerClock(Self.windows, offset: 0) == Self.windows)
        #expect(StrayUploads.onServerClock(Self.windows, offset: -900) == Self.windows)
    }

    @Test func aClockTwoHoursFastFindsTheUploadOSSDatedTwoHoursBeforeTheRecordedRun() {
        // The run recorded its start on a clock two hours fast; OSS dated its upload by its own.
        let ossTime = Self.upload("mine", initiated: Self.runStart.addingTimeInterval(-7200 + 60))
        let before = StrayUploads.select([ossTime], key: "k", within: Self.windows, keeping: [])
        #expect(before.isEmpty)
        let windows = StrayUploads.onServerClock(Self.windows, offset: -7200)
        #expect(windows.count == 2 && windows.first == Self.windows.first)
        let found = StrayUploads.select([ossTime], key: "k", within: windows, keeping: [])
        #expect(found.map(\.uploadID) == ["mine"])
        // An upload from outside both windows stays another batch's.
        let other = Self.upload("other", initiated: Self.runStart.addingTimeInterval(-4 * 3600))
        #expect(StrayUploads.select([other], key: "k", within: windows, keeping: []).isEmpty)
    }

    /// An open upload of a key with a canonically equivalent spelling (`café` with `é`, and with `e` and a
    /// combining accent) is of another object, another batch's: never taken for the job's own. Compared as
    /// `String`s they were one key, and `abort` could have ended the other batch's upload.
    @Test func anUploadOfAnEquivalentlySpelledKeyIsAnotherObjects() {
        let started = Self.runStart.addingTimeInterval(60)
        let composed = MultipartUploadSummary(
            key: "d/caf\u{E9}",
            uploadID: "mine",
            initiated: Timestamp.iso8601(started)
        )
        let decomposed = MultipartUploadSummary(
            key: "d/cafe\u{301}",
            uploadID: "theirs",
            initiated: Timestamp.iso8601(started)
        )
        let found = StrayUploads.select([composed, decomposed], key: "d/caf\u{E9}", within: Self.windows, keeping: [])
        #expect(found.map(\.uploadID) == ["mine"])
    }
}
