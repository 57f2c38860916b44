import Foundation
import OSSProtocol
import TestSupport
import Testing

@testable import OSSBatch

/// Issue 13 item 4: a report is input. Numbers that do not add up, bad keys and buckets, files that are not
/// regular or far too large are refused with the job and field named; journal lines that contradict their
/// report are ignored with a warning.
struct ReportValidationTests {
    /// A written report of `jobs` jobs (every third multipart: 2 parts of 102,400 bytes) and its text.
    static func written(jobs: Int = 4) throws -> (TemporaryDirectory, String, String) {
        let dir = try TemporaryDirectory("validation")
        let path = dir.path + "/report.json"
        try ReportStore.create(at: path).write(
            Report(plan: ReportStoreTests.plan(jobs: jobs, dir: dir.path), planID: "id")
        )
        return (dir, path, try String(contentsOfFile: path, encoding: .utf8))
    }

    /// The reason `load` gives for the report after replacing `from` by `to` in its text.
    static func refusal(_ from: String, _ to: String) throws -> String {
        let (dir, path, text) = try Self.written()
        defer { dir.remove() }
        let changed = text.replacingOccurrences(of: from, with: to)
        #expect(changed != text, "\(from) not found")
        try changed.write(toFile: path, atomically: true, encoding: .utf8)
        return try #require(throws: ReportLoadError.self) { try ReportStore.load(path) }.reason
    }

    @Test(arguments: [
        // A part count edited down: the parts would not cover the file.
        (
            #""k/0","dir":0,"size":150000,"mtime_ns":"1","inode":"0","part_size":102400,"part_count":2"#,
            #""k/0","dir":0,"size":150000,"mtime_ns":"1","inode":"0","part_size":102400,"part_count":1"#,
            "job 'k/0': 'size', 'part_size' and 'part_count' disagree: part plan of 1 parts of 102400 bytes does not fit 150000 bytes"
        ),
        (#""part_count":2"#, #""part_count":0"#, "part plan of 0 parts"),
        (#""part_count":2"#, #""part_count":-3"#, "part plan of -3 parts"),
        (#""part_size":102400"#, #""part_size":0"#, "part plan of 2 parts of 0 bytes"),
        // A size near Int64.max, on a PutObject job and on a multipart one.
        (
            #""k/1","dir":1,"size":1"#, #""k/1","dir":1,"size":9223372036854775807"#,
            "job 'k/1' (jobs[1]): 'size' 9223372036854775807 cannot go up in one PutObject"
        ),
        (#""k/0","dir":0,"size":150000"#, #""k/0","dir":0,"size":9223372036854775000"#, "does not fit"),
        (#""size":1,"#, #""size":-1,"#, "'size' -1 is negative"),
        // Keys and the bucket pass the planner's checks.
        (#""key":"k/1""#, #""key":"/k/1""#, "job '/k/1' (jobs[1]): 'key': the object key '/k/1' starts with '/'"),
        (#""key":"k/1""#, #""key":"""#, "the object key is empty"),
        (
            #""bucket":"report-bucket""#, #""bucket":"Report_Bucket""#,
            "target.bucket: 'Report_Bucket' is not a valid bucket name"
        ),
        (#""region":"local""#, #""region":"../x""#, "target.region '../x' is not a region"),
        (
            #""endpoint":"http://127.0.0.1:9""#, #""endpoint":"file:///etc""#,
            "target.endpoint 'file:///etc' is not an endpoint"
        ),
        (#""concurrency":16"#, #""concurrency":100000000"#, "upload.concurrency must be 1...1024"),
        // Past the manifest's bounds: a cap near Int64.max over tiny parts trapped the engine's start.
        (
            #""bandwidth":0"#, #""bandwidth":9223372036854775807"#,
            "upload.bandwidth must be 0 (no cap) to 1099511627776"
        ),
        (#""retries":{"attempts":"#, #""retries":{"attempts":1000000"#, "upload.retries.attempts must be 1...100"),
        // Counters no run can record.
        (#""status":"pending"}"#, #""status":"pending","attempts":-1}"#, "'attempts' -1 is negative"),
        (
            #""status":"pending"}"#, #""status":"pending","attempts":2147483648}"#,
            "'attempts' 2147483648 is out of range"
        ),
        (#""status":"pending"}"#, #""status":"pending","crc64":"abc"}"#, "'crc64' \"abc\" is not a CRC-64"),
        // A source name or directory that would read another file (the name was split anew at its `/`, and
        // an edited line uploaded that file under the key).
        (#""key":"k/1","dir":1,"#, #""key":"k/1","dir":1,"name":"../x/1","#, "'name' '../x/1' is not a file name"),
        (#""key":"k/1","dir":1,"#, #""key":"k/1","dir":1,"name":"..","#, "'name' '..' is not a file name"),
        (#"{"path":"/"#, #"{"path":"/tmp/../"#, "is not a normalized path"),
        // A directory without its last `/`: joined to a name, `/data/site` + `a.txt` read `/data/sitea.txt`.
        (#"/","device""#, #"","device""#, "is not an absolute path ending with '/'"),
    ])
    func numbersThatDoNotAddUpAreRefusedNamingTheJobAndField(from: String, to: String, expected: String) throws {
        let reason = try Self.refusal(from, to)
        #expect(reason.contains(expected), "\(reason)")
    }

    @Test func deletedAndDuplicatedJobLinesDisagreeWithTheTotals() throws {
        let (dir, path, text) = try Self.written()
        defer { dir.remove() }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let original = lines
        lines.remove(at: 2)
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(
            try #require(throws: ReportLoadError.self) { try ReportStore.load(path) }.reason.contains(
                "3 job lines but its totals say 4 jobs"
            )
        )
        lines = original
        lines.insert(lines[2], at: 2)
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        // A duplicated line repeats a key, which is found first.
        #expect(
            try #require(throws: ReportLoadError.self) { try ReportStore.load(path) }.reason.contains(
                "'key' appears twice"
            )
        )
    }

    @Test func aReportThatIsNotARegularFileOrTooLargeIsRefusedAtOnce() throws {
        let dir = try TemporaryDirectory("validation")
        defer { dir.remove() }
        // /dev/zero (through a link too), a directory, a FIFO nobody writes to: refused without reading.
        #expect(
            try #require(throws: ReportLoadError.self) { try ReportStore.load("/dev/zero") }.reason.contains(
                "a character device, not a regular file"
            )
        )
        #expect(symlink("/dev/zero", dir.path + "/zero.json") == 0)
        #expect(
            try #require(throws: ReportLoadError.self) { try ReportStore.load(dir.path + "/zero.json") }.reason
                .contains("is a symbolic link")
        )
        #expect(
            try #require(throws: ReportLoadError.self) { try ReportStore.load(dir.path) }.reason.contains("a directory")
        )
        #expect(mkfifo(dir.path + "/fifo.json", 0o600) == 0)
        #expect(
            try #require(throws: ReportLoadError.self) { try ReportStore.load(dir.path + "/fifo.json") }.reason
                .contains("a FIFO")
        )
        // A sparse file past the bound: refused by its size, not read.
        let big = dir.path + "/big.json"
        #expect(FileManager.default.createFile(atPath: big, contents: Data("{".utf8)))
        #expect(truncate(big, off_t(StateFileLimits.reportBytes) + 1) == 0)
        #expect(
            try #require(throws: ReportLoadError.self) { try ReportStore.load(big) }.reason.contains(
                "more than the \(StateFileLimits.reportBytes)"
            )
        )
        // The report of a run of 10,000,000 files (2.1 GB) is within it: read, and refused for what it holds
        // (the zeros after its job line are a line too long), not for its size. A run must never write what
        // resume refuses.
        var bytes: [UInt8] = []
        try ReportFile.encode(Report(plan: ReportStoreTests.plan(jobs: 1, dir: "/d"), planID: "id")) { bytes += $0 }
        let header = bytes.split(separator: UInt8(ascii: "\n"))[0]
        #expect(FileManager.default.createFile(atPath: big, contents: Data(header + Array("\nx\n".utf8))))
        #expect(truncate(big, 2_200_000_000) == 0)
        let reason = try #require(throws: ReportLoadError.self) { try ReportStore.load(big) }.reason
        #expect(!reason.contains("more than the") && reason.contains("line 3 is longer"), "\(reason.prefix(300))")
        #expect(StateFileLimits.reportBytes >= 10_000_000 * 600 && StateFileLimits.journalBytes >= 10_000_000 * 300)
    }

    @Test func journalLinesThatContradictTheReportAreIgnoredWithAWarning() throws {
        let (dir, path, _) = try Self.written()
        defer { dir.remove() }
        // A checkpoint is named for its bucket, key and source (`Report.checkCheckpointNames`).
        let checkpoint =
            "/ckpt/" + CheckpointStore.fileName(bucket: "report-bucket", key: "k/0", source: dir.path + "/0")
        let lines = [
            #"{"format":"ossbatch-journal/2"}"#,
            #"{"key":"k/1","status":"succeeded","etag":"\"E\"","crc64":"1"}"#,  // fine
            #"{"key":"no/such/job","status":"succeeded"}"#,  // unknown job
            #"{"key":"k/2","status":"succeeded","attempts":-5}"#,  // impossible value
            // A part plan that does not fit:
            #"{"key":"k/3","status":"failed","size":5,"mtime_ns":"1","inode":"1","device":1,"part_size":102400,"part_count":9}"#,
            #"{"key":"k/2","status":"succ"#,  // not a line: followed by another, so not a torn last line
            #"{"key":"k/0","status":"failed","checkpoint":""# + checkpoint + #""}"#,  // fine
            #"{"key":"k/1","status":"fail"#,  // torn last line: ignored silently
        ]
        try lines.joined(separator: "\n").write(toFile: path + ".journal", atomically: true, encoding: .utf8)
        var warnings: [String] = []
        let report = try ReportStore.load(path, warnings: &warnings)
        #expect(report.jobs.map(\.outcome.status) == [.failed, .succeeded, .pending, .pending])
        #expect(warnings.count == 4, "\(warnings)")
        #expect(warnings[0].contains("line 3: job 'no/such/job' is not in the report; ignored"))
        #expect(warnings[1].contains("line 4: job 'k/2': 'attempts' -5 is negative; ignored"))
        #expect(
            warnings[2].contains(
                "line 5: not a journal entry ('size', 'part_size' and 'part_count' disagree: part plan of 9 parts"
            )
        )
        #expect(warnings[3].contains("line 6: not a journal entry"))
    }

    /// Journal lines no run could write are ignored with a warning: a success without the CRC-64 every
    /// upload records, a skip for a reason only the plan gives, `identical` under `if_exists: overwrite`.
    /// Before, each was believed, and a resume ended `succeeded`, exit 0, with those objects never uploaded.
    @Test func journalLinesNoRunCouldWriteAreIgnoredWithAWarning() throws {
        let (dir, path, _) = try Self.written()
        defer { dir.remove() }
        let lines = [
            #"{"format":"ossbatch-journal/2"}"#,
            #"{"key":"k/1","status":"succeeded"}"#,
            #"{"key":"k/2","status":"skipped","reason":"identical"}"#,
            #"{"key":"k/0","status":"skipped","reason":"unchanged"}"#,
            #"{"key":"k/3","status":"skipped","reason":"unreadable"}"#,
            #"{"key":"k/2","status":"skipped","reason":"vanished"}"#,  // a run's: kept
            #"{"key":"k/1","status":"succeeded","etag":"\"E\"","crc64":"7"}"#,  // a run's: kept
            "",
        ]
        try lines.joined(separator: "\n").write(toFile: path + ".journal", atomically: true, encoding: .utf8)
        var warnings: [String] = []
        let report = try ReportStore.load(path, warnings: &warnings)
        #expect(report.jobs.map(\.outcome.status) == [.pending, .succeeded, .skipped, .pending])
        #expect(report.jobs[2].outcome.reason == .vanished)
        #expect(warnings.count == 4, "\(warnings)")
        #expect(warnings[0].contains("line 2: job 'k/1': 'succeeded' without the 'crc64'"), "\(warnings)")
        #expect(warnings[1].contains("line 3: job 'k/2': skipped as 'identical', but the batch's if_exists"))
        #expect(warnings[2].contains("line 4: job 'k/0': skipped as 'unchanged', which only a plan records"))
        #expect(warnings[3].contains("line 5: job 'k/3': skipped as 'unreadable'"))
    }

    @Test func totalsOfAReportAtTheLimitsDoNotOverflow() throws {
        // 9,000 jobs of the largest object OSS allows pass 2^63 bytes together: refused, not a trap.
        let target = Target(
            endpoint: "http://127.0.0.1:9",
            region: "local",
            bucket: "report-bucket",
            signature: .v4,
            addressing: .path
        )
        let size = PartPlanner.maximumObjectSize
        let plan = PartPlan(partSize: PartPlanner.maximumPartSize, partCount: Int(PartPlanner.maximumParts))
        let jobs = (0..<200_000).map { i in
            UploadJob(
                source: "/d/\(i)",
                key: "k/\(i)",
                identity: SourceIdentity(size: size, mtimeNanoseconds: 1, inode: 1, device: 1),
                options: ObjectOptions(),
                method: .multipart(plan)
            )
        }
        let whole = Plan(
            manifestPath: "/m.yaml",
            target: target,
            upload: UploadSettings(checkpointDir: "/cp"),
            credentials: nil,
            allowEmpty: false,
            jobs: JobList(jobs)
        )
        // The plan's own totals too (`plan` of such a tree trapped: review of b827939).
        #expect(whole.totals.bytes == Int64.max, "sums saturate instead of trapping")
        var report = Report(plan: whole, planID: "id")
        #expect(report.totals.bytes == Int64.max, "sums saturate instead of trapping")
        #expect(throws: FormatError.self) { try report.validate() }
        report.jobs.removeLast(199_000)
        try report.validate()
    }

    @Test func aCheckpointNamedForAnotherBucketInTheJournalRefusesTheReport() throws {
        // After a kill the checkpoints of failed jobs are named only in the journal: a bucket edited in the
        // header since is found there too.
        let (dir, path, text) = try Self.written()
        defer { dir.remove() }
        let checkpoint =
            "/ckpt/" + CheckpointStore.fileName(bucket: "report-bucket", key: "k/0", source: dir.path + "/0")
        try [
            #"{"format":"ossbatch-journal/2"}"#,
            #"{"key":"k/0","status":"failed","checkpoint":""# + checkpoint + #""}"#,
        ]
        .joined(separator: "\n").write(toFile: path + ".journal", atomically: true, encoding: .utf8)
        #expect(try ReportStore.load(path).jobs[0].outcome.checkpoint == checkpoint)
        try text.replacingOccurrences(of: #""bucket":"report-bucket""#, with: #""bucket":"other-bucket""#)
            .write(toFile: path, atomically: true, encoding: .utf8)
        try ReportSeal.reseal(path)
        let refused = try #require(throws: ReportLoadError.self) { try ReportStore.load(path) }
        #expect(
            refused.reason.contains("job 'k/0': its checkpoint \(checkpoint) was not made for oss://other-bucket/k/0")
        )
    }

    /// A report whose first 4,096 job lines are blank, before a long tail (here a 4 GiB hole): refused as a
    /// report, at its first line. Before, room for a job per byte of the file was reserved from those lines
    /// before any was decoded, and the allocation killed the process.
    @Test func blankLinesBeforeALongTailAreRefusedNotTakenForTheSizeOfTheReport() throws {
        let (dir, path, text) = try Self.written()
        defer { dir.remove() }
        let header = text.prefix { $0 != "\n" }
        try (header + "\n" + String(repeating: "\n", count: 4_096)).write(
            toFile: path,
            atomically: true,
            encoding: .utf8
        )
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try file.truncate(atOffset: 4 << 30)
        try file.close()
        let refusal = try #require(throws: ReportLoadError.self) { try ReportStore.load(path) }
        #expect(refusal.path == path, "\(refusal)")
    }

    /// Caps below 1 KiB/s, which manifests of the first release allowed (`bandwidth: 1KB/s`, 1,000 bytes) and
    /// their format-1 reports hold, are still usable; only caps past the manifest's largest are refused.
    @Test func aFormatOneCapBelowOneKiBIsStillUsable() throws {
        var settings = UploadSettings()
        for (bandwidth, usable) in [
            (Int64(1_000), true), (0, true), (1 << 40, true), ((1 << 40) + 1, false), (-1, false),
        ] {
            settings.bandwidth = bandwidth
            #expect(((try? settings.checkUsable()) != nil) == usable, "\(bandwidth)")
        }
    }
}
