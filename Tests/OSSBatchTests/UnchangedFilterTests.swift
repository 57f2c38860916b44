import Foundation
import LocalFiles
import OSSProtocol
import TestSupport
import Testing

@testable import OSSBatch

/// `UnchangedFilter` on plans made here, over a real index and real files: which jobs leave the plan, in
/// what order, with what the index holds — for jobs with the planner's ctime and without one (stat'ed).
@Suite struct UnchangedFilterTests {
    @Test func exactlyTheJobsTheIndexVouchesForLeaveThePlanInKeyOrderWithTheirETagsAndCRCs() throws {
        let dir = try TemporaryDirectory("unchanged-filter")
        defer { dir.remove() }
        let options = ObjectOptions(contentType: "text/plain")
        // Six files in two chunks; the index knows all but f5, one with another ctime, one with other options.
        var jobs: [UploadJob] = []
        var entries: [IndexEntry] = []
        for i in 0..<6 {
            let path = dir.url.path + "/sub/f\(i)"
            try FileManager.default.createDirectory(atPath: dir.url.path + "/sub", withIntermediateDirectories: true)
            try Data("file \(i)".utf8).write(to: URL(fileURLWithPath: path))
            let status = try FileStatus.stat(path)
            let identity = SourceIdentity(
                size: status.size,
                mtimeNanoseconds: status.mtimeNanoseconds,
                inode: status.inode,
                device: StableDevice.of(path: path, device: status.device)
            )
            var job = UploadJob(source: path, key: "k/f\(i)", identity: identity, options: options, method: .put)
            // Odd jobs come from elsewhere, without the planner's ctime: the filter stats them.
            if i % 2 == 0 { job.plannedCtimeNanoseconds = status.ctimeNanoseconds }
            jobs.append(job)
            guard i != 5 else { continue }
            entries.append(
                IndexEntry(
                    key: job.key,
                    source: path,
                    identity: identity,
                    ctimeNanoseconds: status.ctimeNanoseconds + (i == 2 || i == 3 ? 1 : 0),
                    crc64: UInt64(100 + i),
                    etag: "\"9DD4E461268C8034F5C8564E155C67A\(i)\"",
                    optionsHash: i == 4 ? 42 : options.indexHash,
                    uploadedAt: 1,
                    report: "r"
                )
            )
        }
        var warnings: [String] = []
        let index = try UploadIndex.open(at: dir.url.path + "/i.sqlite", warnings: &warnings)
        try index.write(entries)
        var plan = ReportStoreTests.plan(jobs: 0, dir: dir.url.path)
        plan.jobs = JobList(chunks: [Array(jobs.prefix(3)), Array(jobs.suffix(3))])
        plan.skipped = [ReportJob(skipped: jobs[1], reason: .unreadable)]
        plan.skipped[0].spec.key = "k/f0-unreadable"

        let result = try UnchangedFilter.apply(to: &plan, index: index)

        // f0 (ctime from the plan) and f1 (stat'ed) are unchanged; f2/f3 have another ctime, f4 other options,
        // f5 is not in the index.
        #expect(result == UnchangedFilter.Result(files: 2, bytes: jobs[0].size + jobs[1].size))
        #expect(plan.jobs.map(\.key) == ["k/f2", "k/f3", "k/f4", "k/f5"])
        #expect(plan.skipped.map(\.spec.key) == ["k/f0", "k/f0-unreadable", "k/f1"])
        #expect(plan.skipped.map(\.skipReason) == [.unchanged, .unreadable, .unchanged])
        #expect(
            plan.skipped[0].outcome.etag == "\"9DD4E461268C8034F5C8564E155C67A0\""
                && plan.skipped[0].outcome.crc64 == "100"
        )
        #expect(plan.skipped[2].outcome.etag == "\"9DD4E461268C8034F5C8564E155C67A1\"")
        #expect(plan.skipped[2].outcome.crc64 == "101" && plan.skipped[2].outcome.key == "k/f1")
        #expect(warnings.isEmpty)
    }

    /// One planned file (its ctime from the planner) and the index entry of that very version, made with
    /// `optionsHash` (the options' index hash unless given).
    static func oneFile(options: ObjectOptions, optionsHash: Int64? = nil) -> (UploadJob, IndexEntry) {
        let identity = SourceIdentity(size: 10, mtimeNanoseconds: 7, inode: 1, device: 9)
        var job = UploadJob(source: "/src/f", key: "k/f", identity: identity, options: options, method: .put)
        job.plannedCtimeNanoseconds = 11
        let entry = IndexEntry(
            key: job.key,
            source: job.source,
            identity: identity,
            ctimeNanoseconds: 11,
            crc64: 5,
            etag: "\"E\"",
            optionsHash: optionsHash ?? options.indexHash,
            uploadedAt: 1,
            report: "r"
        )
        return (job, entry)
    }

    /// A state directory reached through a symbolic link (/var/lib/ossbatch -> /data/ossbatch): the index opens,
    /// keeps its entries from one open to the next and is read in parts like any other. Before, SQLite's
    /// refusal of a link anywhere in the path was taken for damage: the index was deleted on every open and
    /// never vouched for a file.
    @Test func anIndexUnderALinkedStateDirectoryIsKeptAndRead() throws {
        let dir = try TemporaryDirectory("unchanged-linked")
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.url.path + "/data", withIntermediateDirectories: true)
        #expect(symlink(dir.url.path + "/data", dir.url.path + "/state") == 0)
        let path = dir.url.path + "/state/.index/i.sqlite"
        let (job, entry) = Self.oneFile(options: ObjectOptions(contentType: "text/plain"))
        var warnings: [String] = []
        try UploadIndex.open(at: path, warnings: &warnings).write([entry])
        let index = try UploadIndex.open(at: path, warnings: &warnings)
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(try index.entry(key: "k/f") != nil)
        var plan = ReportStoreTests.plan(jobs: 0, dir: dir.url.path)
        plan.jobs = JobList(chunks: [[job]])
        #expect(try UnchangedFilter.apply(to: &plan, index: index).files == 1)
    }

    /// Entries written when `forbid_overwrite` was part of the options hash (before 2026-12-05) still vouch
    /// for files of a batch that forbids overwriting: after the upgrade, every unchanged file was otherwise
    /// sent again and refused 409, every night.
    @Test func anEntryHashedWithForbidOverwriteBeforeItLeftTheHashStillCounts() throws {
        let dir = try TemporaryDirectory("unchanged-forbid")
        defer { dir.remove() }
        var options = ObjectOptions(contentType: "text/plain")
        options.forbidOverwrite = true
        let (job, entry) = Self.oneFile(options: options, optionsHash: options.canonicalFormHash)
        var warnings: [String] = []
        let index = try UploadIndex.open(at: dir.url.path + "/i.sqlite", warnings: &warnings)
        try index.write([entry])
        var plan = ReportStoreTests.plan(jobs: 0, dir: dir.url.path)
        plan.jobs = JobList(chunks: [[job]])
        #expect(try UnchangedFilter.apply(to: &plan, index: index).files == 1)
    }

    /// From `minimumToSplit` jobs the index is read in parts at once, cut at jobs' keys: every job the index
    /// vouches for leaves the plan wherever the cuts fall (jobs in chunks of odd sizes, rows for keys the plan
    /// does not have on both sides of each cut), in key order, with its own ETag and CRC-64.
    @Test(arguments: [
        UnchangedFilter.minimumToSplit, UnchangedFilter.minimumToSplit * 2, UnchangedFilter.minimumToSplit * 3 + 7,
        UnchangedFilter.minimumToSplit * 17 + 5,
    ])
    func aPlanReadInPartsLosesExactlyTheVouchedJobsWhereverThePartsMeet(count: Int) throws {
        try expectVouchedJobsLeave(count: count, chunkSizes: [1, 999, 17, 2_500, 3], repeating: false)
    }

    /// The vouched jobs are moved out of the plan's chunks in parts at once, a run of whole chunks each: in
    /// many chunks of uneven sizes (some of a single job, runs of chunks with no job to move, chunks every job
    /// of which goes), every vouched job lands in its place in the skipped list and every other job stays,
    /// in order, however the runs are cut.
    @Test(arguments: [[1, 2, 3], [700, 1, 1, 1, 64], [5_000, 9], [37]])
    func jobsMovedInPartsFromManyChunksKeepPlanOrder(chunkSizes: [Int]) throws {
        try expectVouchedJobsLeave(
            count: UnchangedFilter.minimumToSplit * 5 + 3,
            chunkSizes: chunkSizes,
            repeating: true
        )
    }

    /// The files the walk skipped (unreadable ones, broken links) are placed among the unchanged ones in key
    /// order wherever the parts meet: before every job, between jobs, under a vouched job's very key (after
    /// it), in a stretch with no vouched job, after every job.
    @Test(arguments: [
        ["a/0"], ["z/0"], ["k/00000000"], ["k/00004095-", "k/00004096", "k/00004096", "k/00008191"],
        ["a/0", "k/00000001-", "k/00001600", "k/00002999-", "k/00012287-", "k/00020000", "k/00020482", "z/1", "z/2"],
    ])
    func filesTheWalkSkippedFallInPlaceAmongTheUnchangedOnes(earlier: [String]) throws {
        try expectVouchedJobsLeave(
            count: UnchangedFilter.minimumToSplit * 5 + 3,
            chunkSizes: [1, 2_000, 3, 900],
            repeating: true,
            earlier: earlier
        )
    }

    /// A plan of `count` jobs in chunks of `chunkSizes` (over and over if `repeating`, else the rest in one
    /// chunk), an index vouching for some of them: exactly those leave, in key order, with their own ETags,
    /// CRC-64s and bytes counted.
    private func expectVouchedJobsLeave(
        count: Int,
        chunkSizes: [Int],
        repeating: Bool,
        earlier: [String] = []
    ) throws {
        let parts = UnchangedFilter.parts(for: count)
        #expect(parts == min(count / UnchangedFilter.minimumToSplit, UnchangedFilter.maximumParts))
        let cuts = (1..<max(parts, 2)).map { count * $0 / max(parts, 2) }
        let dir = try TemporaryDirectory("unchanged-parts")
        defer { dir.remove() }
        let options = ObjectOptions(contentType: "text/plain")
        var jobs: [UploadJob] = []
        var entries: [IndexEntry] = []
        var vouched: [String] = []
        var vouchedBytes: Int64 = 0
        for i in 0..<count {
            let key = "k/" + String(format: "%08d", i)
            let identity = SourceIdentity(size: Int64(i), mtimeNanoseconds: 7, inode: UInt64(i + 1), device: 9)
            var job = UploadJob(
                source: "/src/d\(i % 3)/f\(i)",
                key: key,
                identity: identity,
                options: options,
                method: .put
            )
            job.plannedCtimeNanoseconds = 11
            jobs.append(job)
            // Every job near a cut and every third elsewhere has a row; every seventh of those is of another
            // version of the file. Rows for keys the plan lacks sit between jobs everywhere.
            // The first and last jobs too: the index is read from the plan's first key through its last.
            let nearCut = cuts.contains { abs(i - $0) < 3 } || i == 0 || i == count - 1
            // Long runs of jobs with no row, and runs where every job has one.
            let stretch = (i / 1_500) % 3
            if stretch != 1 && (nearCut || i % 3 == 0 || stretch == 2) {
                let changed = i % 7 == 0 && !nearCut
                entries.append(
                    IndexEntry(
                        key: key,
                        source: job.source,
                        identity: identity,
                        ctimeNanoseconds: changed ? 12 : 11,
                        crc64: UInt64(i),
                        etag: "\"E\(i)\"",
                        optionsHash: options.indexHash,
                        uploadedAt: 1,
                        report: "r"
                    )
                )
                if !changed {
                    vouched.append(key)
                    vouchedBytes += identity.size
                }
            }
            if i % 100 == 0 {
                var gone = entries.last ?? entries[0]
                gone.key = key + "-gone"
                entries.append(gone)
            }
        }
        // Rows of other prefixes, before and after the plan's keys (and one just past its last): never read.
        for key in ["a/0", "k/", "k/" + String(format: "%08d", count - 1) + "-z", "z/0"] {
            var other = entries[0]
            other.key = key
            entries.append(other)
        }
        var warnings: [String] = []
        let index = try UploadIndex.open(at: dir.url.path + "/i.sqlite", warnings: &warnings)
        try index.write(entries)
        var plan = ReportStoreTests.plan(jobs: 0, dir: dir.url.path)
        var chunks: [[UploadJob]] = []
        var rest = jobs[...]
        var size = 0
        while !rest.isEmpty {
            chunks.append(Array(rest.prefix(chunkSizes[size % chunkSizes.count])))
            rest = rest.dropFirst(chunkSizes[size % chunkSizes.count])
            size += 1
            if size == chunkSizes.count && !repeating && !rest.isEmpty {
                chunks.append(Array(rest))
                rest = []
            }
        }
        plan.jobs = JobList(chunks: chunks)
        plan.skipped = earlier.map {
            var line = ReportJob(skipped: jobs[0], reason: .unreadable)
            line.spec.key = $0
            return line
        }

        let result = try UnchangedFilter.apply(to: &plan, index: index)

        #expect(result.files == vouched.count && result.bytes == vouchedBytes)
        // As a merge of the two key-ordered lists, a vouched job first where the keys are the same.
        let merged = (vouched.map { ($0, 0) } + earlier.map { ($0, 1) }).sorted {
            $0.0 == $1.0 ? $0.1 < $1.1 : ByteOrder.precedes($0.0, $1.0)
        }
        #expect(plan.skipped.map(\.spec.key) == merged.map(\.0))
        #expect(plan.skipped.map(\.skipReason) == merged.map { $0.1 == 0 ? .unchanged : .unreadable })
        #expect(
            plan.skipped.filter { $0.skipReason == .unchanged }.allSatisfy {
                $0.outcome.etag == "\"E\($0.outcome.crc64 ?? "")\""
            }
        )
        let skipped = Set(vouched)
        #expect(plan.jobs.map(\.key) == jobs.map(\.key).filter { !skipped.contains($0) })
        #expect(warnings.isEmpty)
    }
}
