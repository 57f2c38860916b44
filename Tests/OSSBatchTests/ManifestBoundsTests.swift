import OSSBatch
import OSSKit
import Testing

/// Issue 14 item 7: numbers with no sane meaning are errors at `plan`, at the value, with the allowed range.
@Suite struct ManifestBoundsTests {
    private func diagnostics(upload line: String) throws -> [Diagnostic] {
        let f = try ManifestFixture(ManifestFixture.target + "upload:\n  \(line)\nfiles:\n  - source: data/\n")
        defer { f.remove() }
        return f.diagnostics()
    }

    @Test(arguments: [
        ("retries: {base_delay: 99999999999999999999999}", 25, "'base_delay' must be between 0s and 1h"),
        ("retries: {base_delay: 20000000000s}", 25, "'base_delay' must be between 0s and 1h"),
        ("retries: {max_delay: 61m}", 24, "'max_delay' must be between 0s and 1h"),
        ("part_size: 99999999999999999999999", 14, "'part_size' must be between 100KiB and 5GiB"),
        ("part_size: 6GiB", 14, "'part_size' must be between 100KiB and 5GiB"),
        ("multipart_threshold: 6GiB", 24, "'multipart_threshold' must be between 1B and 5GiB"),
        ("multipart_threshold: 0", 24, "'multipart_threshold' must be between 1B and 5GiB"),
        ("bandwidth: 9000000TB/s", 14, "'bandwidth' must be 0 (unlimited) or between 1KiB/s and 1TiB/s"),
        ("bandwidth: 100/s", 14, "'bandwidth' must be 0 (unlimited) or between 1KiB/s and 1TiB/s"),
        ("concurrency: 99999999999999999999", 16, "'concurrency' must be between 1 and 1024"),
        ("files_in_flight: 0", 20, "'files_in_flight' must be between 1 and 1024"),
        ("retries: {attempts: 1000}", 23, "'attempts' must be between 1 and 100"),
        ("stall_timeout: 5s", 18, "'stall_timeout' must be between 10s and 24h"),
        ("stall_timeout: 25h", 18, "'stall_timeout' must be between 10s and 24h"),
    ])
    func valueOutOfRangeIsAnErrorAtTheValueNamingTheRange(line: String, column: Int, message: String) throws {
        let d = try diagnostics(upload: line)
        #expect(positions(d) == [at(7, column)])
        #expect(d.first?.message.hasPrefix(message) == true, "\(d)")
    }

    /// A retry waits up to `max_delay` with nothing moving: a stall limit within that would stop healthy runs.
    @Test func aStallTimeoutNoLongerThanTheRetriesLongestWaitIsAnErrorAtIt() throws {
        let f = try ManifestFixture(
            ManifestFixture.target
                + "upload:\n  retries: {max_delay: 1m}\n  stall_timeout: 1m\nfiles:\n  - source: data/\n"
        )
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == [at(8, 18)])
        #expect(
            d.first?.message.hasPrefix("'stall_timeout' (1m) must be longer than a retry's longest wait, 1m (") == true,
            "\(d)"
        )
    }

    /// The planner raises `max_delay` to `base_delay`: `base_delay: 2m` beside `stall_timeout: 1m` passed, and
    /// the run stopped as stalled in the first retry's wait (review of e4ab55a).
    @Test func aStallTimeoutWithinTheBaseDelayIsAnErrorToo() throws {
        let f = try ManifestFixture(
            ManifestFixture.target
                + "upload:\n  retries: {base_delay: 2m}\n  stall_timeout: 1m\nfiles:\n  - source: data/\n"
        )
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == [at(8, 18)])
        #expect(d.first?.message.contains("must be longer than a retry's longest wait, 2m (") == true, "\(d)")
    }

    /// A header value with a line break (a `|` block keeps its last one) is an error at it: it passed the
    /// plan, and every request failed (curl refuses such a header). The name of a metadata entry too.
    @Test(arguments: [
        ("defaults:\n  cache_control: |\n    max-age=60\n", 7, 18),
        ("defaults:\n  metadata:\n    note: \"nightly\\r\\nbackup\"\n", 8, 11),
        ("defaults:\n  content_type: \"text/plain\\u0000\"\n", 7, 17),
    ])
    func aHeaderValueWithALineBreakIsAnErrorAtIt(yaml: String, line: Int, column: Int) throws {
        let f = try ManifestFixture(ManifestFixture.target + yaml + "files:\n  - source: data/\n")
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == [at(line, column)], "\(d)")
        #expect(d.first?.message.contains("which no HTTP header may hold") == true, "\(d)")
    }

    /// A time zone abbreviation is refused: Foundation takes `CST` for America/Chicago, where a server in China
    /// means China Standard Time, and a 02:00 run filed tonight under yesterday's `{date}` (review of e4ab55a).
    @Test(arguments: ["CST", "IST", "BST", "PST"])
    func aTimeZoneAbbreviationIsAnErrorNamingIANANames(zone: String) throws {
        let f = try ManifestFixture(ManifestFixture.target + "timezone: \(zone)\nfiles:\n  - source: data/\n")
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(d.first?.message.contains("is an abbreviation") == true, "\(d)")
        for fine in ["UTC", "GMT", "Asia/Shanghai", "America/Chicago"] {
            let g = try ManifestFixture(ManifestFixture.target + "timezone: \(fine)\nfiles:\n  - source: data/\n")
            defer { g.remove() }
            #expect(g.diagnostics().isEmpty, "\(fine)")
        }
    }

    @Test func aStallTimeoutLeftToItsDefaultOutgrowsTheRetriesLongestWait() throws {
        let f = try ManifestFixture(
            ManifestFixture.target + "upload:\n  retries: {max_delay: 1h}\nfiles:\n  - source: data/\n"
        )
        defer { f.remove() }
        #expect(try f.plan().upload.stallTimeout == 7_200)
        let g = try ManifestFixture(ManifestFixture.target + "files:\n  - source: data/\n")
        defer { g.remove() }
        #expect(try g.plan().upload.stallTimeout == UploadSettings.defaultStallTimeout)
    }

    @Test func theMessageQuotesTheValueAsWritten() throws {
        let d = try diagnostics(upload: "retries: {base_delay: 20000000000s}")
        #expect(d.first?.message == "'base_delay' must be between 0s and 1h, not '20000000000s'")
    }

    @Test(arguments: [
        "retries: {base_delay: 0ms, max_delay: 1h}", "part_size: 100KiB", "part_size: 5GiB",
        "multipart_threshold: 5GiB", "bandwidth: 0", "bandwidth: 1KiB/s", "bandwidth: 1TiB/s",
        "part_size: 100.5KiB",
    ])
    func valuesAtTheEdgesOfTheirRangesAreAccepted(line: String) throws {
        #expect(try diagnostics(upload: line).isEmpty)
    }

    @Test func fractionalBytesAreAWholeNumberError() throws {
        let d = try diagnostics(upload: "part_size: 100.0001KiB")
        #expect(d.first?.message.hasPrefix("'part_size' must be a whole number of bytes") == true)
    }

    /// Issue 12: the defaults live in `UploadSettings` only; a manifest without `upload:` plans to them (issue
    /// 15: its checkpoints in the state directory, under the batch's name).
    @Test func unsaidSettingsAreUploadSettingsDefaults() throws {
        let f = try ManifestFixture(ManifestFixture.target + "files:\n  - source: data/\n")
        defer { f.remove() }
        let plan = try f.plan()
        let checkpoints = StateDirectory.resolve().checkpoints(batch: plan.batchName)
        #expect(plan.upload == UploadSettings(checkpointDir: checkpoints))
        #expect(plan.upload.retry == RetryPolicy())
    }

    @Test func everyLimitIsWithinWhatTheRunTimeCanHold() {
        // The runtime turns delays into nanoseconds (UInt64) and rates into Int64 products of seconds.
        #expect(UploadSettings.retryDelayRange.upperBound * 1e9 < Double(UInt64.max))
        #expect(UploadSettings.bandwidthRange.upperBound <= 1 << 40)
        #expect(UploadSettings.partSizeRange == PartPlanner.minimumPartSize...PartPlanner.maximumPartSize)
    }

    @Test func exactFormsNameTheRangeInManifestSyntax() {
        #expect(ByteSize.formatExact(100 << 10) == "100KiB")
        #expect(ByteSize.formatExact(5 << 30) == "5GiB")
        #expect(ByteSize.formatExact(1) == "1B")
        #expect(ByteSize.formatExact(1500) == "1500B")
        #expect(DurationText.formatExact(3600) == "1h")
        #expect(DurationText.formatExact(0.2) == "200ms")
        #expect(DurationText.formatExact(0) == "0s")
    }
}
