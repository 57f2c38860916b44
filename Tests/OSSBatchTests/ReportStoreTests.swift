import Digests
import Foundation
import LocalFiles
import OSSProtocol
import TestSupport
import Testing

@testable import OSSBatch

/// The report on disk (`ossbatch-report/2`): written and read back a job per line, the journal folded in,
/// reformatted files, damaged files, and the reports of format 1.
struct ReportStoreTests {
    static let tricky = ObjectOptions(
        contentType: "text/plain",
        metadata: ["outcome": "x", ",\"status\":\"": "{\"key\":1}"],
        tags: ["t": "v"]
    )

    static func plan(jobs: Int, dir: String) -> Plan {
        let target = Target(
            endpoint: "http://127.0.0.1:9",
            region: "local",
            bucket: "report-bucket",
            signature: .v4,
            addressing: .path
        )
        var list: [UploadJob] = []
        for i in 0..<jobs {
            let multipart = i % 3 == 0
            let size = multipart ? Int64(150_000 + i) : Int64(i)
            let identity = SourceIdentity(size: size, mtimeNanoseconds: 1, inode: UInt64(i), device: 1)
            let options: ObjectOptions = i % 2 == 0 ? tricky : ObjectOptions()
            let method: UploadMethod = multipart ? .multipart(PartPlan(partSize: 102_400, partCount: 2)) : .put
            // Two directories; one file whose name is not the key's.
            let source = "\(dir)/\(i % 4 == 1 ? "sub/" : "")\(i == 5 ? "other-name" : "\(i)")"
            list.append(UploadJob(source: source, key: "k/\(i)", identity: identity, options: options, method: method))
        }
        return Plan(
            manifestPath: "\(dir)/m.yaml",
            target: target,
            upload: UploadSettings(checkpointDir: "\(dir)/cp"),
            credentials: CredentialsSource(file: "\(dir)/credentials", profile: "batch"),
            allowEmpty: false,
            jobs: JobList(list)
        )
    }

    /// Every field of the report but its jobs, for comparing two reports.
    static func header(_ r: Report) -> String {
        "\(r.status) \(r.planID) \(r.manifest) \(r.target) \(r.upload) \(String(describing: r.credentials)) "
            + "\(r.allowEmpty) \(r.createdAt) \(r.updatedAt) \(r.totals) \(String(describing: r.fatalError)) \(r.runs)"
    }

    @Test func aReportReadsBackAsItWasWritten() throws {
        let dir = try TemporaryDirectory("report")
        defer { dir.remove() }
        let path = dir.path + "/report.json"
        var report = Report(plan: ReportStoreTests.plan(jobs: 7, dir: dir.path), planID: "id")
        report.runs.append(RunRecord(command: "run", startedAt: "s", finishedAt: "f", status: .failed, exitCode: 1))
        report.fatalError = JobError(code: "F", message: "fatal", httpStatus: 403, requestID: "R", ec: "0003-1")
        for i in report.jobs.indices {
            report.jobs[i].outcome.status = i == 4 ? .failed : .succeeded
            report.jobs[i].outcome.etag = "\"E\(i)\""
            report.jobs[i].outcome.crc64 = "18446744073709551615"
            report.jobs[i].outcome.attempts = i
            report.jobs[i].outcome.durationMilliseconds = Int64(i * 7)
            report.jobs[i].outcome.error = i == 4 ? JobError(code: "X", message: "m \"quoted\", \"status\":") : nil
        }
        report.jobs[3].outcome.partsReused = 1
        report.jobs[3].outcome.callback = CallbackResult(status: 203, body: "no")
        report.jobs[3].outcome.warnings = ["w"]
        report.jobs[3].spec.identity.size = 999  // the source changed during the run
        report.jobs[3].spec.method = .put
        report.recomputeTotals()
        try ReportStore.create(at: path).write(report)
        let loaded = try ReportStore.load(path)
        #expect(loaded.jobs == report.jobs)
        #expect(Self.header(loaded) == Self.header(report))
    }

    /// Server-side encryption and an ECS-role credentials source are part of what `resume` must redo exactly:
    /// a report that dropped them would upload unencrypted, or look for a credentials file that never was.
    @Test func encryptionOptionsAndAnECSRoleSourceReadBackAsWritten() throws {
        let dir = try TemporaryDirectory("report-sse")
        defer { dir.remove() }
        let path = dir.path + "/report.json"
        var plan = ReportStoreTests.plan(jobs: 3, dir: dir.path)
        plan.credentials = CredentialsSource(ecsRAMRole: "uploader")
        let encrypted = ObjectOptions(serverSideEncryption: .kms, sseKMSKeyID: "key-1", sseDataEncryption: .sm4)
        plan.jobs = JobList(
            plan.jobs.map { job in
                var job = job
                job.options = encrypted
                return job
            }
        )
        let report = Report(plan: plan, planID: "id")
        try ReportStore.create(at: path).write(report)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(#""server_side_encryption":"KMS","sse_kms_key_id":"key-1","sse_data_encryption":"SM4""#))
        #expect(text.contains(#""ecs_ram_role":"uploader""#))
        let loaded = try ReportStore.load(path)
        #expect(loaded.jobs.allSatisfy { $0.spec.options == encrypted })
        #expect(loaded.credentials == CredentialsSource(ecsRAMRole: "uploader"))
    }

    /// The last line's checksum: a report whose bytes before it changed is refused, naming that line, after
    /// its other checks; a checksum whose digits are damaged is refused too; a report of before the checksum
    /// (`]}`) is read unchecked.
    @Test func aReportWhoseBytesNoLongerMatchItsChecksumIsRefused() throws {
        let dir = try TemporaryDirectory("report-seal")
        defer { dir.remove() }
        let path = dir.path + "/report.json"
        let report = Report(plan: ReportStoreTests.plan(jobs: 5, dir: dir.path), planID: "id")
        try ReportStore.create(at: path).write(report)
        let original = try String(contentsOfFile: path, encoding: .utf8)
        #expect(try ReportStore.load(path).jobs.count == 5)
        let lines = original.split(separator: "\n")
        let closing = String(try #require(lines.last))
        func load(_ text: String) -> String? {
            do {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                _ = try ReportStore.load(path)
                return nil
            } catch { return "\(error)" }
        }
        // A job line's key changed (its length kept), and the header's manifest path: each passes every other
        // check.
        for (from, to) in [("\"key\":\"k/1\"", "\"key\":\"k/7\""), ("/m.yaml", "/n.yaml")] {
            let edited = original.replacingOccurrences(of: from, with: to)
            #expect(edited != original, "\(from)")
            let refused = try #require(load(edited), "\(from)")
            #expect(refused.contains("line 7: the report's checksum (crc64) does not match"), "\(refused)")
        }
        // The checksum's own digits: one changed, one not a digit.
        let digits = closing.dropFirst(#"],"crc64":""#.count).dropLast(2)
        let flipped = String(digits.first == "1" ? "2" : "1") + digits.dropFirst()
        #expect(load(original.replacingOccurrences(of: closing, with: #"],"crc64":""# + flipped + #""}"#)) != nil)
        #expect(load(original.replacingOccurrences(of: closing, with: #"],"crc64":"12x4"}"#)) != nil)
        // What the other checks find is said first: an impossible size names the job, not the checksum.
        let impossible = try #require(load(original.replacingOccurrences(of: "\"size\":2,", with: "\"size\":-1,")))
        #expect(impossible.contains("'size'") && !impossible.contains("checksum"), "\(impossible)")
        // Written before the checksum: read as then.
        #expect(load(original.replacingOccurrences(of: closing, with: "]}")) == nil)
        #expect(load(original) == nil)
    }

    /// The reader checks a report in batches of 4,096 lines: an edit in a later batch is refused as one in the
    /// first, the checksum's line numbered by its place in the whole file.
    @Test func anEditBeyondTheFirstBatchOfLinesIsRefusedAtTheChecksumsLine() throws {
        let dir = try TemporaryDirectory("report-seal-long")
        defer { dir.remove() }
        let path = dir.path + "/report.json"
        let jobs = 3 * 4_096 + 10
        try ReportStore.create(at: path).write(
            Report(plan: ReportStoreTests.plan(jobs: jobs, dir: dir.path), planID: "id")
        )
        let original = try String(contentsOfFile: path, encoding: .utf8)
        #expect(try ReportStore.load(path).jobs.count == jobs)
        let edited = original.replacingOccurrences(of: "\"key\":\"k/10001\"", with: "\"key\":\"k/x0001\"")
        #expect(edited != original)
        try edited.write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            _ = try ReportStore.load(path)
        } throws: { error in
            "\(error)".contains("line \(jobs + 2): the report's checksum (crc64) does not match")
        }
    }

    @Test func theReportIsOneDocumentOfSnakeCaseKeysWithItsSharedValuesWrittenOnce() throws {
        let dir = try TemporaryDirectory("report")
        defer { dir.remove() }
        let path = dir.path + "/report.json"
        var report = Report(plan: ReportStoreTests.plan(jobs: 8, dir: dir.path), planID: "id")
        report.jobs[2].outcome.status = .succeeded
        report.jobs[2].outcome.crc64 = "123"
        try ReportStore.create(at: path).write(report)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 8 + 3)  // header, 8 jobs, closing, and the final newline
        #expect(lines[0].hasPrefix(#"{"format":"ossbatch-report/2","status":"running","plan_id":"id","#))
        #expect(lines[0].hasSuffix(#""jobs":["#))
        let before = Array(text.utf8).dropLast(lines[9].utf8.count + 1)
        #expect(lines[9] == "],\"crc64\":\"\(CRC64.checksum(before))\"}" && lines[10].isEmpty)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Self.keys(of: document).allSatisfy { $0.allSatisfy { $0.isLowercase || $0 == "_" || $0.isNumber } })
        // Options and directories are tables; a job names its entries by index and its key once.
        #expect((document["options"] as? [Any])?.count == 2)
        #expect(
            (document["directories"] as? [[String: Any]])?.map { $0["path"] as? String } == [
                dir.path + "/", dir.path + "/sub/",
            ]
        )
        let jobs = try #require(document["jobs"] as? [[String: Any]])
        #expect(jobs[0]["options"] as? Int == 0 && jobs[1]["options"] as? Int == 1 && jobs[1]["dir"] as? Int == 1)
        #expect(jobs[5]["name"] as? String == "other-name" && jobs[4]["name"] == nil)
        #expect(lines[3].components(separatedBy: "\"k/2\"").count == 2)
        // Integers that can pass 2^53 are strings; a pending job has no counters.
        #expect(jobs[2]["mtime_ns"] as? String == "1" && jobs[2]["inode"] as? String == "2")
        #expect(jobs[2]["crc64"] as? String == "123")
        #expect(
            lines[2] == #"{"key":"k/1","dir":1,"size":1,"mtime_ns":"1","inode":"1","options":1,"status":"pending"},"#
        )
        #expect(jobs[0]["part_size"] as? Int == 102_400 && jobs[0]["part_count"] as? Int == 2)
    }

    /// Every key of every object in `value`, nested ones included.
    static func keys(of value: Any) -> [String] {
        if let object = value as? [String: Any] {
            return object.flatMap { [$0.key] + keys(of: $0.value) }.filter {
                !["outcome", ",\"status\":\""].contains($0)
            }
        }
        if let array = value as? [Any] { return array.flatMap { keys(of: $0) } }
        return []
    }

    @Test func aLargeReportDecodedInParallelBatchesKeepsItsJobsInOrderAndADamagedLineIsNamed() throws {
        // 9,000 jobs: two full batches of 4,096 lines and a partial one, each shared out among the cores.
        let dir = try TemporaryDirectory("report")
        defer { dir.remove() }
        let path = dir.path + "/report.json"
        var report = Report(plan: ReportStoreTests.plan(jobs: 9000, dir: dir.path), planID: "id")
        report.jobs[5000].outcome.status = .failed
        try ReportStore.create(at: path).write(report)
        #expect(try ReportStore.load(path).jobs == report.jobs)
        // A damaged line in the middle of a batch is an error that names it, not a shorter job list.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let damaged = text.replacingOccurrences(of: "\"key\":\"k/6000\"", with: "\"key\":k/6000\"")
        #expect(damaged != text)
        try damaged.write(toFile: path, atomically: true, encoding: .utf8)
        let error = try #require(throws: ReportLoadError.self) { try ReportStore.load(path) }
        #expect(error.reason.hasPrefix("line 6002: "), "\(error)")
    }

    @Test func aReportReformattedByAToolStillLoads() throws {
        let dir = try TemporaryDirectory("report")
        defer { dir.remove() }
        let path = dir.path + "/report.json"
        let report = Report(plan: ReportStoreTests.plan(jobs: 4, dir: dir.path), planID: "id")
        try ReportStore.create(at: path).write(report)
        // What `jq . report.json > tmp && mv tmp report.json` would leave, and what `jq -c` would.
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        for options: JSONSerialization.WritingOptions in [[.prettyPrinted], []] {
            try JSONSerialization.data(withJSONObject: object, options: options).write(to: URL(fileURLWithPath: path))
            let loaded = try ReportStore.load(path)
            #expect(loaded.jobs == report.jobs && Self.header(loaded) == Self.header(report))
        }
        #expect(throws: ReportLoadError.self) { try ReportStore.load(dir.path + "/missing.json") }
    }

    @Test func journalLinesAfterTheReportWinAndATornLastLineIsIgnored() throws {
        let dir = try TemporaryDirectory("journal")
        defer { dir.remove() }
        let path = dir.path + "/report.json"
        let report = Report(plan: ReportStoreTests.plan(jobs: 3, dir: dir.path), planID: "id")
        let store = try ReportStore.create(at: path)
        try store.write(report, keepingLines: true)
        try store.record(JobOutcome(key: "k/1", status: .failed, error: JobError(code: "A", message: "a")))
        try store.record(JobOutcome(key: "k/1", status: .succeeded, etag: "\"E\"", crc64: "1"))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: store.journalPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"key\":\"k/2\",\"sta".utf8))  // killed mid-write
        try handle.close()
        let journal = try String(contentsOfFile: store.journalPath, encoding: .utf8)
        #expect(journal.hasPrefix(#"{"format":"ossbatch-journal/2"}"# + "\n" + #"{"key":"k/1","status":"failed","#))
        let loaded = try ReportStore.load(path)
        #expect(loaded.jobs[1].outcome.status == .succeeded && loaded.jobs[1].outcome.etag == "\"E\"")
        #expect(loaded.jobs[2].outcome.status == .pending)
        #expect(loaded.totals.succeeded == 1 && loaded.totals.pending == 2)
        // Writing the report folds the journal in and starts it afresh.
        try store.write(loaded, keepingLines: true)
        #expect(
            try String(contentsOfFile: store.journalPath, encoding: .utf8) == #"{"format":"ossbatch-journal/2"}"# + "\n"
        )
        #expect(try ReportStore.load(path).jobs == loaded.jobs)
    }

    /// A journal's first line (its format) is not synced on its own (`ReportStore.restartJournal`): a crash
    /// may leave the journal empty, or with that line alone. Either way the report reads back as written, with
    /// nothing ignored, and the next write starts the journal afresh.
    @Test(arguments: ["", #"{"format":"ossbatch-journal/2"}"# + "\n"])
    func aJournalLeftEmptyOrWithItsFormatLineAloneAddsNothing(journal: String) throws {
        let dir = try TemporaryDirectory("journal-empty")
        defer { dir.remove() }
        let path = dir.path + "/report.json"
        let report = Report(plan: ReportStoreTests.plan(jobs: 3, dir: dir.path), planID: "id")
        let store = try ReportStore.create(at: path)
        try store.write(report)
        try Data(journal.utf8).write(to: URL(fileURLWithPath: store.journalPath))
        var warnings: [String] = []
        let loaded = try ReportStore.load(path, warnings: &warnings)
        #expect(loaded.jobs == report.jobs && loaded.totals == report.totals && warnings.isEmpty)
        try store.write(loaded)
        #expect(
            try String(contentsOfFile: store.journalPath, encoding: .utf8) == #"{"format":"ossbatch-journal/2"}"# + "\n"
        )
    }

    @Test(arguments: [true, false])
    func journalEntriesFindTheirJobWhetherTheReportsKeysRiseOrNot(rising: Bool) throws {
        // Keys rise in every report a plan made (found by binary search); a report whose keys do not is still
        // read (found through a map). First, middle and last jobs, and a key the report does not have.
        let dir = try TemporaryDirectory("journal-lookup")
        defer { dir.remove() }
        let path = dir.path + "/report.json"
        var plan = ReportStoreTests.plan(jobs: 300, dir: dir.path)
        let jobs = Array(plan.jobs).sorted { ByteOrder.precedes($0.key, $1.key) }
        plan.jobs = JobList(rising ? jobs : jobs.reversed())
        let report = Report(plan: plan, planID: "id")
        let store = try ReportStore.create(at: path)
        try store.write(report, keepingLines: true)
        let named = [report.jobs[0].spec.key, report.jobs[150].spec.key, report.jobs[299].spec.key]
        for key in named { try store.record(JobOutcome(key: key, status: .succeeded, etag: "\"E\"", crc64: "1")) }
        try store.record(JobOutcome(key: "k/none", status: .succeeded, etag: "\"E\""))
        var warnings: [String] = []
        let loaded = try ReportStore.load(path, warnings: &warnings)
        #expect(loaded.jobs.filter { $0.outcome.status == .succeeded }.map(\.spec.key) == named)
        #expect(loaded.totals.succeeded == 3 && loaded.totals.pending == 297)
        #expect(warnings.count == 1 && warnings[0].contains("'k/none' is not in the report"), "\(warnings)")
    }

    @Test func aJournalLineOfAJobThatRanAsANewVersionOfItsFileChangesItsSpec() throws {
        let dir = try TemporaryDirectory("journal")
        defer { dir.remove() }
        let path = dir.path + "/report.json"
        let report = Report(plan: ReportStoreTests.plan(jobs: 4, dir: dir.path), planID: "id")
        let store = try ReportStore.create(at: path)
        try store.write(report, keepingLines: true)
        var ran = report.jobs[3].spec  // planned multipart
        ran.identity = SourceIdentity(size: 5, mtimeNanoseconds: 9, inode: 8, device: 7)
        ran.method = .put
        try store.record(JobOutcome(key: "k/3", status: .succeeded, crc64: "1"), spec: ran)
        let loaded = try ReportStore.load(path)
        #expect(loaded.jobs[3].spec == ran)
        // Written again, the new device makes a directory entry of its own.
        try store.write(loaded, keepingLines: true)
        #expect(try ReportStore.load(path).jobs == loaded.jobs)
    }

    @Test func aFormat1JournalBesideAFormat2ReportIsRead() throws {
        // A resume killed after writing its format-2 report but before starting the journal afresh leaves
        // the format-1 journal of the run before.
        let dir = try TemporaryDirectory("journal")
        defer { dir.remove() }
        let path = dir.path + "/report.json"
        try ReportStore.create(at: path).write(
            Report(plan: ReportStoreTests.plan(jobs: 3, dir: dir.path), planID: "id")
        )
        let v1 = [
            #"{"outcome":{"key":"k/1","status":"succeeded","method":"put","etag":"\"E\"","crc64":"5","attempts":1,"bytesSent":1,"durationSeconds":0.0125,"finishedAt":"2026-12-02T21:18:33.787Z"}}"#,
            #"{"outcome":{"key":"k/2","status":"failed","method":"put","attempts":2,"bytesSent":0,"durationSeconds":1,"error":{"code":"X","message":"m","httpStatus":500}},"identity":{"size":49,"mtimeNanoseconds":7,"inode":8,"device":9},"method":{"kind":"put"}}"#,
        ]
        try (v1.joined(separator: "\n") + "\n").write(toFile: path + ".journal", atomically: true, encoding: .utf8)
        let report = try ReportStore.load(path)
        #expect(
            report.jobs[1].outcome
                == JobOutcome(
                    key: "k/1",
                    status: .succeeded,
                    etag: "\"E\"",
                    crc64: "5",
                    attempts: 1,
                    bytesSent: 1,
                    durationMilliseconds: 13
                )
        )
        #expect(report.jobs[2].outcome.error == JobError(code: "X", message: "m", httpStatus: 500))
        #expect(report.jobs[2].spec.identity == SourceIdentity(size: 49, mtimeNanoseconds: 7, inode: 8, device: 9))
        #expect(report.jobs[0].outcome.status == .pending)
    }

    @Test func unknownFormatsAndDamagedValuesAreRefusedWithTheReason() throws {
        let dir = try TemporaryDirectory("report")
        defer { dir.remove() }
        let path = dir.path + "/report.json"
        try ReportStore.create(at: path).write(
            Report(plan: ReportStoreTests.plan(jobs: 3, dir: dir.path), planID: "id")
        )
        let text = try String(contentsOfFile: path, encoding: .utf8)
        func refused(_ from: String, _ to: String) throws -> String {
            let changed = text.replacingOccurrences(of: from, with: to)
            #expect(changed != text, "\(from)")
            try changed.write(toFile: path, atomically: true, encoding: .utf8)
            return try #require(throws: ReportLoadError.self) { try ReportStore.load(path) }.reason
        }
        #expect(try refused("ossbatch-report/2", "ossbatch-report/3").contains("unsupported report format"))
        #expect(try refused(#""key":"k/1","dir":1"#, #""key":"k/1","dir":7"#).contains("line 3: job 'k/1': 'dir' 7"))
        #expect(try refused(#""part_count":2"#, #""part_count":3"#).contains("part plan"))
        #expect(try refused(#""mtime_ns":"1","inode":"1""#, #""mtime_ns":"x","inode":"1""#).contains("mtime_ns"))
        #expect(try refused(#""concurrency":16"#, #""concurrency":0"#).contains("upload.concurrency"))
        // A journal of a later format is not silently ignored.
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try #"{"format":"ossbatch-journal/3"}"#.write(toFile: path + ".journal", atomically: true, encoding: .utf8)
        let journal = try #require(throws: ReportLoadError.self) { try ReportStore.load(path) }
        #expect(journal.reason.contains("unsupported journal format"))
    }

    @Test func aFormat1ReportAndJournalAreRead() throws {
        // Written by the format-1 release (Tests/Fixtures/v1-batch), its paths `@ROOT@`-relative: placed under
        // /fixture-root (a report with relative paths is refused).
        let original = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/v1-batch/report.json").path
        let dir = try TemporaryDirectory("report")
        defer { dir.remove() }
        let fixture = dir.path + "/v1.json"
        for suffix in ["", ".journal"] {
            try ReportV1DamageTests.placed(
                String(contentsOfFile: original + suffix, encoding: .utf8),
                under: "/fixture-root"
            )
            .write(toFile: fixture + suffix, atomically: true, encoding: .utf8)
        }
        let report = try ReportStore.load(fixture)
        #expect(report.planID.count == 64 && report.status == .running && report.runs.count == 2)
        #expect(report.upload.partSize == 102_400 && report.upload.retry.baseDelay == 0.01)
        #expect(
            report.jobs.map(\.spec.key) == [
                "data/a.txt", "data/big-1.bin", "data/big-2.bin", "data/c.txt", "data/sub/b.txt",
            ]
        )
        #expect(report.jobs.map(\.outcome.status) == [.succeeded, .pending, .pending, .succeeded, .succeeded])
        #expect(report.jobs[0].spec.source == "/fixture-root/src/a.txt")
        #expect(report.jobs[0].spec.options.metadata == ["origin": "v1-fixture"])
        #expect(report.jobs[1].spec.method == .multipart(PartPlan(partSize: 102_400, partCount: 4)))
        #expect(report.jobs[1].outcome.checkpoint?.hasPrefix("/fixture-root/state/checkpoints/") == true)
        // c.txt: failed in the report, then succeeded as a new version in the journal.
        #expect(report.jobs[3].spec.size == 49 && report.jobs[3].outcome.warnings?.count == 1)
        #expect(report.jobs[3].outcome.durationMilliseconds < 1000)
        // Reformatted by a tool, it is decoded whole, to the same report.
        let copy = dir.path + "/report.json"
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: fixture)))
        try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted]).write(
            to: URL(fileURLWithPath: copy)
        )
        try FileManager.default.copyItem(atPath: fixture + ".journal", toPath: copy + ".journal")
        let whole = try ReportStore.load(copy)
        #expect(whole.jobs == report.jobs && Self.header(whole) == Self.header(report))
    }
}
