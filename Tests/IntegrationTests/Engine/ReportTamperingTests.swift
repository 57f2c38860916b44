import Digests
import Foundation
import LocalOSS
import OSSBatch
import OSSProtocol
import TestSupport
import Testing

/// Issue 13 item 4, with the real binary: a report and journal are input. Edited, damaged or forged, they
/// are refused (exit 2, the job and field named) or their contradicting lines ignored — never a trap, never a
/// hang, never an object reported `succeeded` that differs from its source.
@Suite(.serialized)
struct ReportTamperingTests {
    /// A batch left for `resume`: two small files stored, `big.bin` (300,000 bytes, 3 parts of 100 KiB) with
    /// every part stored and Complete refused once, so its job is `failed` with its upload open.
    static func unfinishedBatch(_ h: EngineHarness) async throws {
        try h.writeFile("a.txt", size: 10)
        try h.writeFile("b.txt", size: 20, seed: 2)
        try h.writeFile("big.bin", size: 300_000, seed: 3)
        h.server.faults.add(.failNth(1, .completeMultipartUpload, status: 400, code: .invalidPart))
        let manifest = try h.writeManifest(upload: ["part_size: 100KiB", "multipart_threshold: 200KiB"])
        let run = try await h.run(manifest)
        #expect(run.exitCode == 1, "\(run.stderr)")
        let big = try #require(try h.report().jobs.first { $0.spec.key == "data/big.bin" })
        #expect(big.outcome.status == .failed && big.outcome.checkpoint != nil)
        h.server.faults.removeAll()
    }

    /// `resume` and `abort` of the report both refuse it (exit 2), saying each of `phrases`, and send nothing.
    static func expectRefusedByResumeAndAbort(_ h: EngineHarness, saying phrases: [String]) async throws {
        let requests = h.server.log.all.count
        for command in ["resume", "abort"] {
            let refused = try await h.ossbatch([command, h.reportPath])
            #expect(refused.exitCode == 2, "\(command): \(refused.stderr)")
            for phrase in phrases { #expect(refused.stderr.contains(phrase), "\(command): \(refused.stderr)") }
        }
        #expect(h.server.log.all.count == requests, "nothing was sent")
    }

    static func edit(_ path: String, _ from: String, _ to: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let changed = text.replacingOccurrences(of: from, with: to)
        #expect(changed != text, "'\(from)' not in \(path)")
        try changed.write(toFile: path, atomically: false, encoding: .utf8)
    }

    /// A report edited so that every other check passes — a failed job's line made `succeeded`, the totals
    /// mended — is refused by `resume` and `abort` (exit 2, the way out named), nothing sent; before the
    /// checksum, `resume` found nothing to do and the file was never uploaded, the report saying `succeeded`.
    /// The way out works: moved away, the manifest run again stores every file and aborts nothing it needs.
    /// A report of before the checksum (`]}`) is read unchecked.
    @Test func aReportEditedConsistentlyIsRefusedByItsChecksumWithTheWayOut() async throws {
        let h = try await EngineHarness.start("tamper-consistent")
        defer { Task { await h.stop() } }
        try h.writeFile("a.txt", size: 10)
        try h.writeFile("b.txt", size: 20, seed: 2)
        h.server.faults.add(
            FaultRule(
                operation: .putObject,
                keyContains: "b.txt",
                count: nil,
                action: .fail(status: 400, code: .invalidArgument)
            )
        )
        let manifest = try h.writeManifest()
        #expect(try await h.run(manifest).exitCode == 1)
        h.server.faults.removeAll()
        let original = try String(contentsOfFile: h.reportPath, encoding: .utf8)
        // The last line holds the CRC-64 of every byte before it.
        let last = try #require(original.split(separator: "\n").last)
        let before = Array(original.utf8).dropLast(last.utf8.count + 1)
        #expect(last == "],\"crc64\":\"\(CRC64.checksum(before))\"}")

        // b.txt's line made `succeeded` and the totals mended: every other check passes.
        let failedLine = try #require(original.split(separator: "\n").first { $0.contains("\"key\":\"data/b.txt\"") })
        var succeeded = String(failedLine)
        let status = try #require(succeeded.range(of: #""status":"failed""#))
        succeeded.replaceSubrange(
            status.lowerBound..<succeeded.endIndex,
            with: #""status":"succeeded","etag":"\"E\"","crc64":"1"}"# + (succeeded.hasSuffix(",") ? "," : "")
        )
        try Self.edit(h.reportPath, String(failedLine), succeeded)
        try Self.edit(h.reportPath, #""succeeded":1,"skipped":0,"failed":1"#, #""succeeded":2,"skipped":0,"failed":0"#)
        try Self.edit(h.reportPath, #""bytes":30,"bytes_done":10"#, #""bytes":30,"bytes_done":30"#)
        try await Self.expectRefusedByResumeAndAbort(
            h,
            saying: ["the report's checksum (crc64) does not match", "Move it away"]
        )

        // Resealed, as a forger could: taken at its word (the checksum is not a signature).
        try ReportSeal.reseal(h.reportPath)
        #expect(try await h.resume().exitCode == 0)
        #expect(h.server.objectData(bucket: h.bucket, key: "data/b.txt") == nil)

        // The way out: moved away, the manifest run again.
        try FileManager.default.moveItem(atPath: h.reportPath, toPath: h.reportPath + ".edited")
        #expect(try await h.run(manifest).exitCode == 0)
        try h.expectAllStoredExactly()

        // A report written before the checksum ends with `]}`: read unchecked, as then.
        let written = try String(contentsOfFile: h.reportPath, encoding: .utf8)
        let closing = try #require(written.split(separator: "\n").last)
        try Self.edit(h.reportPath, String(closing), "]}")
        #expect(try await h.resume().exitCode == 0)
    }

    /// Every job the report calls `succeeded` has, under its key, exactly the file the test wrote for that key.
    /// The true source, not the report's: a mutation may point a job at another directory (even one where
    /// no such file exists), and resume does not re-upload a job already succeeded. A key the test never
    /// wrote (mutated) holds what the report's source holds, or nothing: resume takes a `succeeded` line at
    /// its word and sends nothing for it (a flip in `data/a.txt`'s directory, `Xata/a.txt`, leaves a line
    /// whose source still exists and whose key was never uploaded), but it must never store anything else.
    static func expectSucceededMeansExact(_ h: EngineHarness, context: String) throws {
        guard let report = try? ReportStore.load(h.reportPath) else { return }
        let written = Dictionary(uniqueKeysWithValues: try h.sources().map { ($0.key, $0.url) })
        for job in report.jobs where job.outcome.status == .succeeded {
            let stored = h.storedMD5(job.spec.key)
            if let source = written[job.spec.key] {
                #expect(
                    stored == (try? EngineHarness.md5(of: source)),
                    "\(job.spec.key) reported succeeded but differs from its source (\(context))"
                )
            } else if let stored {
                let source = URL(fileURLWithPath: job.spec.location.directory + "/" + job.spec.location.name)
                #expect(
                    stored == (try? EngineHarness.md5(of: source)),
                    "\(job.spec.key), an edited key, holds what its source does not (\(context))"
                )
            }
        }
    }

    @Test func aPartCountEditedDownIsRefusedAndNoTruncatedObjectIsEverStored() async throws {
        let h = try await EngineHarness.start("tamper-part-count")
        defer { Task { await h.stop() } }
        try await Self.unfinishedBatch(h)
        let original = try String(contentsOfFile: h.reportPath, encoding: .utf8)

        // The part count alone: the numbers no longer agree.
        try Self.edit(h.reportPath, #""part_size":102400,"part_count":3"#, #""part_size":102400,"part_count":2"#)
        try await Self.expectRefusedByResumeAndAbort(h, saying: ["job 'data/big.bin'", "'part_count'"])

        // Size and part count edited together, so they agree: the job no longer matches its file, which
        // still has 300,000 bytes. Resume never completes an upload whose parts do not cover the file.
        try original.write(toFile: h.reportPath, atomically: false, encoding: .utf8)
        try Self.edit(
            h.reportPath,
            #""size":300000,"mtime_ns""#,
            #""size":204800,"mtime_ns""#
        )
        try Self.edit(h.reportPath, #""part_size":102400,"part_count":3"#, #""part_size":102400,"part_count":2"#)
        try Self.edit(h.reportPath, #""bytes":300030"#, #""bytes":204830"#)
        // Resealed: the check behind the report's checksum is the one tried here.
        try ReportSeal.reseal(h.reportPath)
        let resumed = try await h.resume()
        #expect([0, 1].contains(resumed.exitCode), "\(resumed.stderr)")
        let stored = h.server.objectData(bucket: h.bucket, key: "data/big.bin")
        #expect(stored == nil || stored?.count == 300_000, "never a truncated object")
        try Self.expectSucceededMeansExact(h, context: "size and part count edited")
        #expect(
            !h.server.log.all.contains {
                $0.operation == .completeMultipartUpload && $0.status == 200 && stored?.count != 300_000
            }
        )
    }

    @Test func aBucketEditedInTheHeaderIsRefusedWhileCheckpointsNameTheOldOne() async throws {
        let h = try await EngineHarness.start("tamper-bucket")
        defer { Task { await h.stop() } }
        try await Self.unfinishedBatch(h)
        let original = try String(contentsOfFile: h.reportPath, encoding: .utf8)
        let open = h.server.openUploadIDs(bucket: h.bucket)
        #expect(open.count == 1)
        // Before: resume went to the other bucket, and the upload of the first stayed open for ever.
        try Self.edit(h.reportPath, "\"bucket\":\"\(h.bucket)\"", "\"bucket\":\"another-bucket\"")
        // Resealed: the check tried here is the one behind the report's checksum.
        try ReportSeal.reseal(h.reportPath)
        try await Self.expectRefusedByResumeAndAbort(
            h,
            saying: ["job 'data/big.bin': its checkpoint", "was not made for oss://another-bucket/data/big.bin"]
        )

        // Restored, the report is the batch's again: `abort` gives its upload back.
        try original.write(toFile: h.reportPath, atomically: false, encoding: .utf8)
        #expect(try await h.ossbatch(["abort", h.reportPath]).exitCode == 0)
        #expect(h.server.openUploadIDs(bucket: h.bucket).isEmpty)
    }

    @Test(arguments: [
        (#""part_count":3"#, #""part_count":0"#),
        (#""part_count":3"#, #""part_count":-3"#),
        (#""part_count":3"#, #""part_count":9223372036854775807"#),
        (#""part_size":102400"#, #""part_size":0"#),
        (#""part_size":102400"#, #""part_size":-102400"#),
        (#""size":300000,"mtime_ns""#, #""size":9223372036854775807,"mtime_ns""#),
        (#""size":300000,"mtime_ns""#, #""size":-1,"mtime_ns""#),
        (#""size":10,"mtime_ns""#, #""size":9223372036854775807,"mtime_ns""#),
        (#""bytes":300030"#, #""bytes":9223372036854775807"#),
        (#""bytes":300030"#, #""bytes":-5"#),
    ])
    func absurdNumbersAreExitTwoNeverATrap(from: String, to: String) async throws {
        let h = try await EngineHarness.start("tamper-absurd")
        defer { Task { await h.stop() } }
        try await Self.unfinishedBatch(h)
        try Self.edit(h.reportPath, from, to)
        let requests = h.server.log.all.count
        for command in ["resume", "abort"] {
            let refused = try await h.ossbatch([command, h.reportPath])
            #expect(
                !refused.signaled && refused.exitCode == 2,
                "\(command) \(to): \(refused.exitCode) \(refused.stderr)"
            )
            #expect(refused.stderr.contains("error: "), "\(refused.stderr)")
        }
        #expect(h.server.log.all.count == requests, "nothing was sent")
    }

    @Test func resumeOfSomethingThatIsNotAReportIsRefusedAtOnceAndLeavesNoLockFile() async throws {
        let h = try await EngineHarness.start("tamper-dev-zero")
        defer { Task { await h.stop() } }
        #expect(mkfifo(h.dir.path + "/fifo.json", 0o600) == 0)
        #expect(symlink("/dev/zero", h.dir.path + "/zero.json") == 0)
        let cases = [
            ("/dev/zero", "a character device, not a regular file"),
            (h.dir.path + "/fifo.json", "a FIFO, not a regular file"),
            (h.dir.path + "/zero.json", "is a symbolic link"),
            (h.dir.path, "a directory, not a regular file"),
        ]
        for (path, reason) in cases {
            for command in ["resume", "abort"] {
                let refused = try await h.ossbatch([command, path])
                let took = refused.ranFor
                #expect(refused.exitCode == 2, "\(command) \(path): \(refused.stderr)")
                #expect(refused.stderr.contains(reason), "\(refused.stderr)")
                #expect(took < .seconds(20), "\(command) \(path) took \(took)")
                #expect(!FileManager.default.fileExists(atPath: path + ".lock"))
            }
        }
    }

    @Test func journalLinesThatContradictTheReportAreIgnoredWithAWarningAndTheBatchEndsExact() async throws {
        let h = try await EngineHarness.start("tamper-journal")
        defer { Task { await h.stop() } }
        try await Self.unfinishedBatch(h)
        let lines = [
            #"{"key":"data/nowhere.txt","status":"succeeded","etag":"\"E\"","crc64":"1"}"#,
            #"{"key":"data/big.bin","status":"failed","attempts":-4}"#,
            #"{"key":"data/big.bin","status":"failed","size":300000,"mtime_ns":"1","inode":"1","device":1,"part_size":102400,"part_count":2}"#,
            #"{"key":"data/big.bin","status":"succ"#,
            #"{"key":"data/a.txt","status":"pending"}"#,
        ]
        let journal = try FileHandle(forWritingTo: URL(fileURLWithPath: h.reportPath + ".journal"))
        try journal.seekToEnd()
        try journal.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
        try journal.close()
        let resumed = try await h.resume()
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("job 'data/nowhere.txt' is not in the report; ignored"), "\(resumed.stderr)")
        #expect(resumed.stderr.contains("'attempts' -4 is negative; ignored"), "\(resumed.stderr)")
        #expect(resumed.stderr.contains("part plan of 2 parts of 102400 bytes does not fit 300000 bytes"))
        #expect(resumed.stderr.contains("not a journal entry"), "\(resumed.stderr)")
        try h.expectAllStoredExactly()
        try Self.expectSucceededMeansExact(h, context: "journal")
    }

    /// A checkpoint edited so that its parts no longer cover the file, its checksum recomputed so that it
    /// looks intact: the upload is never completed short.
    @Test func aCheckpointWhosePartsDoNotCoverTheFileIsNeverCompleted() async throws {
        let h = try await EngineHarness.start("tamper-checkpoint")
        defer { Task { await h.stop() } }
        try await Self.unfinishedBatch(h)
        let path = try #require(try h.report().jobs.first { $0.spec.key == "data/big.bin" }?.outcome.checkpoint)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let head = #"{"checkpoint":"#
        let tail = #","sha256":""#
        let start = try #require(text.range(of: head)).upperBound
        let end = try #require(text.range(of: tail, options: .backwards)).lowerBound
        let member = String(text[start..<end])
        let edited = member.replacingOccurrences(of: #""size":95200"#, with: #""size":50000"#)
        #expect(edited != member, "the last part's size is in the checkpoint")
        let digest = SHA256.hash(Array(edited.utf8)).hexString
        try (head + edited + tail + digest + "\"}\n").write(toFile: path, atomically: false, encoding: .utf8)
        let resumed = try await h.resume()
        // Caught when the checkpoint is read (its parts must fit the part plan): discarded, the job starts over.
        // (The check before Complete that the parts cover the file is a second line behind this one.)
        #expect(resumed.exitCode == 0, "\(resumed.stderr)")
        #expect(
            resumed.stderr.contains("checkpoint is corrupt (part 3 does not fit the part plan"),
            "\(resumed.stderr)"
        )
        let stored = h.server.objectData(bucket: h.bucket, key: "data/big.bin")
        #expect(stored == nil || stored?.count == 300_000, "never a short object")
        try Self.expectSucceededMeansExact(h, context: "checkpoint edited")
    }

    /// Seeded mutations of a report and journal left for `resume` — bit flips, digit edits, deleted and
    /// duplicated lines, edited part counts and sizes — then `resume` against LocalOSS: it ends by itself
    /// (no hang), with an exit code of its own (no trap), and every job it calls `succeeded` is stored exactly.
    @Test func resumeOfAMutatedReportOrJournalNeverCrashesHangsOrReportsAWrongObjectSucceeded() async throws {
        var random = SeededRandom()
        for round in 0..<12 {
            let h = try await EngineHarness.start("tamper-mutation")
            defer { Task { await h.stop() } }
            try await Self.unfinishedBatch(h)
            // A journal of what a killed run would have appended, to be mutated as well.
            let cp = try #require(try h.report().jobs.first { $0.spec.key == "data/big.bin" }?.outcome.checkpoint)
            let journal = [
                #"{"format":"ossbatch-journal/2"}"#,
                #"{"key":"data/a.txt","status":"succeeded","etag":"\"E\"","crc64":"1"}"#,
                #"{"key":"data/big.bin","status":"failed","attempts":1,"checkpoint":"\#(cp)"}"#,
            ]
            try (journal.joined(separator: "\n") + "\n").write(
                toFile: h.reportPath + ".journal",
                atomically: false,
                encoding: .utf8
            )
            let target = random.next() % 3 == 0 ? h.reportPath + ".journal" : h.reportPath
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: target)))
            var what = Self.mutate(&bytes, using: &random)
            try Data(bytes).write(to: URL(fileURLWithPath: target))
            // Every other round the report is resealed, so that its other checks meet the mutation too.
            if target == h.reportPath && round % 2 == 1 {
                try ReportSeal.reseal(target)
                what += ", resealed"
            }
            let context = "round \(round), \(what) in \((target as NSString).lastPathComponent), \(random)"
            let result = await (try h.start(["resume", h.reportPath])).wait(timeout: .seconds(180))
            print("\(context): exit \(result.exitCode)")
            #expect(!result.signaled, "\(context): killed by signal \(result.exitCode) (hang or trap)")
            #expect([0, 1, 2, 3].contains(result.exitCode), "\(context): exit \(result.exitCode)\n\(result.stderr)")
            try Self.expectSucceededMeansExact(h, context: context)
            let stored = h.server.objectData(bucket: h.bucket, key: "data/big.bin")
            #expect(stored == nil || stored?.count == 300_000, "\(context): a truncated object")
        }
    }

    /// Applies one mutation to `bytes`; returns what it did.
    static func mutate(_ bytes: inout [UInt8], using random: inout SeededRandom) -> String {
        func lines() -> [ArraySlice<UInt8>] {
            bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        }
        switch random.next() % 6 {
        case 0:
            let i = Int(random.next() % UInt64(bytes.count))
            bytes[i] ^= UInt8(1 << (random.next() % 8))
            return "bit flip at byte \(i)"
        case 1:
            let digits = bytes.indices.filter { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[$0]) }
            guard let i = digits.randomElement(using: &random) else { return "no digit" }
            bytes[i] = UInt8(ascii: "0") + UInt8(random.next() % 10)
            return "digit edit at byte \(i)"
        case 2:
            var all = lines()
            let i = Int(random.next() % UInt64(all.count))
            all.remove(at: i)
            bytes = Array(all.joined(separator: [UInt8(ascii: "\n")]))
            return "line \(i) deleted"
        case 3:
            var all = lines()
            let i = Int(random.next() % UInt64(all.count))
            all.insert(all[i], at: i)
            bytes = Array(all.joined(separator: [UInt8(ascii: "\n")]))
            return "line \(i) duplicated"
        default:
            // A number after "part_count", "part_size" or "size" replaced by another, small or huge.
            let field = ["\"part_count\":", "\"part_size\":", "\"size\":"].randomElement(using: &random)!
            let text = String(decoding: bytes, as: UTF8.self)
            let ranges = text.ranges(of: field)
            guard let range = ranges.randomElement(using: &random) else { return "no \(field)" }
            var end = range.upperBound
            while end < text.endIndex, text[end] == "-" || text[end].isNumber { end = text.index(after: end) }
            let values: [Int64] = [0, -1, 1, 2, 4, 102_399, 102_400, 204_800, 299_999, 300_001, .max, .min]
            let value = values.randomElement(using: &random)!
            bytes = Array((String(text[..<range.upperBound]) + "\(value)" + String(text[end...])).utf8)
            return "\(field)\(value)"
        }
    }
}
