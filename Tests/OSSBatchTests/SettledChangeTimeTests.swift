import LocalFiles
import OSSBatch
import TestSupport
import Testing

@Suite struct SettledChangeTimeTests {
    let second: Int64 = 1_000_000_000

    @Test func aChangeTimeSettlesOneSecondAfterItWasStamped() {
        let ctime: Int64 = 1_764_800_000 * second + 123_456_789
        #expect(!SettledChangeTime.isSettled(ctime, at: ctime))
        #expect(!SettledChangeTime.isSettled(ctime, at: ctime + second - 1))
        #expect(SettledChangeTime.isSettled(ctime, at: ctime + second))
        #expect(SettledChangeTime.isSettled(ctime, at: ctime + 3600 * second))
    }

    @Test func aWholeSecondChangeTimeWaitsOutTwoSecondSteps() {
        // FAT stamps in two-second steps: a whole-second ctime may stand for a tick two seconds long.
        let ctime: Int64 = 1_764_800_000 * second
        #expect(!SettledChangeTime.isSettled(ctime, at: ctime + 2 * second))
        #expect(!SettledChangeTime.isSettled(ctime, at: ctime + 3 * second - 1))
        #expect(SettledChangeTime.isSettled(ctime, at: ctime + 3 * second))
    }

    @Test func aChangeTimeAheadOfTheClockOrAtTheEndsOfTheRangeHasNotSettled() {
        let now: Int64 = 1_764_800_000 * second
        #expect(!SettledChangeTime.isSettled(now + 5 * second, at: now))
        // A clock far past a ctime held at Int64's lower end: the age overflows, and that is not "old".
        #expect(!SettledChangeTime.isSettled(.min, at: now))
        #expect(!SettledChangeTime.isSettled(.max, at: now))
        #expect(SettledChangeTime.isSettled(-5 * second + 1, at: now))
    }

    @Test func theWarningSaysWhetherTheFileJustChangedOrItsClockIsAhead() {
        let now: Int64 = 1_764_800_000 * second + 500_000_000
        #expect(SettledChangeTime.unsettled(now - 2 * second, at: now) == nil)
        let suffix = "; uploaded, but not added to the upload index (the next run uploads it again)"
        #expect(
            SettledChangeTime.unsettled(now - 10_000_000, at: now) == "changed less than 1 s before it was read"
                + suffix
        )
        #expect(
            SettledChangeTime.unsettled(now - now % second, at: now)
                == "changed less than 3 s before it was read" + suffix
        )
        #expect(
            SettledChangeTime.unsettled(now + 90 * second, at: now)
                == "its change time is 90 s ahead of this machine's clock (is the file system's clock right?)" + suffix
        )
        #expect(
            SettledChangeTime.unsettled(now + 2_500_000, at: now)?.hasPrefix("its change time is 2 ms ahead") == true
        )
    }

    @Test func theClockIsTheOneFileSystemsStampWith() throws {
        // A file written now is stamped between two readings of the clock (give or take the kernel's tick).
        let before = SettledChangeTime.now()
        let dir = try TemporaryDirectory("settled")
        defer { dir.remove() }
        let ctime = try FileStatus.stat(try dir.write("f", "x").path).ctimeNanoseconds
        let after = SettledChangeTime.now()
        #expect(ctime >= before - 20_000_000 && ctime <= after, "\(before) \(ctime) \(after)")
    }
}
