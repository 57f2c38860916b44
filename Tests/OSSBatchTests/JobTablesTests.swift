import Foundation
import OSSProtocol
import TestSupport
import Testing

@testable import OSSBatch

@Suite struct JobTablesTests {
    /// A report this large is read in parts on all cores and the parts' tables joined: the tables and every
    /// job's references are those of one pass over the jobs in order (entries in order of first use), whether
    /// the later parts share the earlier parts' entries, add their own, or both.
    @Test(arguments: [1_000, 200_000])
    func tablesBuiltInPartsAreThoseOfOnePassInOrder(count: Int) {
        let optionSets = [ObjectOptions(), ObjectOptions(contentType: "text/plain"), ObjectOptions(acl: .private)]
        var jobs: [ReportJob] = []
        jobs.reserveCapacity(count)
        for n in 0..<count {
            // Directories of runs of 100 files; every 7th job in a directory used before; the last quarter's
            // directories all new. Options change every 1,000 jobs, the third set first met past the middle.
            let run = n / 100
            let directory = n % 7 == 0 ? "/data/d\(run / 3)/" : "/data/d\(run)/"
            let options = optionSets[n < count / 2 ? (n / 1_000) % 2 : (n / 1_000) % 3]
            let job = UploadJob(
                source: directory + "f\(n)",
                key: "k/\(n)",
                identity: SourceIdentity(size: 1, mtimeNanoseconds: 1, inode: UInt64(n), device: n < count / 4 ? 1 : 2),
                options: options,
                method: .put
            )
            jobs.append(ReportJob(pending: job))
        }
        let (tables, references) = JobTables.build(jobs)
        let (oneByOne, theirReferences) = JobTables.build(jobs.lazy.map(\.spec))
        #expect(tables == oneByOne)
        #expect(references.map { [$0.directory, $0.options] } == theirReferences.map { [$0.directory, $0.options] })
        #expect(count < 10_000 || tables.options.count == 3)
    }

    /// A report of `jobs` written to `dir` and read back.
    static func writtenAndReadBack(_ jobs: [ReportJob], in dir: TemporaryDirectory) throws -> Report {
        let plan = ReportStoreTests.plan(jobs: 0, dir: "/data")
        var report = Report(plan: plan, planID: plan.planID, now: Date(timeIntervalSince1970: 1))
        report.jobs = jobs
        report.recomputeTotals()
        let path = dir.url.appendingPathComponent("r.json").path
        try ReportStore.create(at: path).write(report)
        return try ReportStore.load(path)
    }

    /// Two directories whose names are canonically equivalent but not the same bytes (`café` with `é`, and with
    /// `e` and a combining accent: two directories on Linux; files copied from macOS have the second) are two
    /// entries of the table, and a report written and read back names each job's own file. Before, `String`'s
    /// `==` made them one entry, and the second job came back with the first directory's file (and, its key's
    /// directory shared by `String` too, the first one's key).
    @Test func directoriesWhoseNamesAreEquivalentButNotTheSameBytesAreTwoEntries() throws {
        let dir = try TemporaryDirectory("equivalent-directories")
        defer { dir.remove() }
        let composed = "/data/caf\u{E9}/"
        let decomposed = "/data/cafe\u{301}/"
        #expect(composed == decomposed, "Swift's strings take them for one")
        let jobs = [composed, decomposed, composed].enumerated().map { n, directory in
            ReportJob(
                pending: UploadJob(
                    source: directory + "f",
                    key: "k" + directory.dropFirst("/data".count) + "\(n)",
                    identity: SourceIdentity(size: 1, mtimeNanoseconds: 1, inode: UInt64(n), device: 1),
                    options: ObjectOptions(),
                    method: .put
                )
            )
        }
        let (tables, references) = JobTables.build(jobs)
        #expect(tables.directories.map { Array($0.path.utf8) } == [Array(composed.utf8), Array(decomposed.utf8)])
        #expect(references.map(\.directory) == [0, 1, 0])

        let loaded = try Self.writtenAndReadBack(jobs, in: dir)
        #expect(loaded.jobs.map { Array($0.spec.source.utf8) } == jobs.map { Array($0.spec.source.utf8) })
        // The keys too (in directories of the same two spellings): each job's own object.
        #expect(loaded.jobs.map { Array($0.spec.key.utf8) } == jobs.map { Array($0.spec.key.utf8) })
    }

    /// Options whose metadata differ only in Unicode normalization (two manifest entries: `café` with `é`,
    /// and with `e` and a combining accent: two header values on OSS) are two entries of the table, and each
    /// job's options come back as its own bytes. Before, `ObjectOptions`' `==` made them one entry, and a
    /// resume sent the first entry's metadata for the second's files (review of e4ab55a).
    @Test func optionsWhoseValuesAreEquivalentButNotTheSameBytesAreTwoEntries() throws {
        let dir = try TemporaryDirectory("equivalent-options")
        defer { dir.remove() }
        var composed = ObjectOptions()
        composed.metadata = ["place": "caf\u{E9}"]
        var decomposed = ObjectOptions()
        decomposed.metadata = ["place": "cafe\u{301}"]
        #expect(composed == decomposed, "ObjectOptions' == takes them for one")
        let jobs = [composed, decomposed, composed].enumerated().map { n, options in
            ReportJob(
                pending: UploadJob(
                    source: "/data/f\(n)",
                    key: "k/\(n)",
                    identity: SourceIdentity(size: 1, mtimeNanoseconds: 1, inode: UInt64(n), device: 1),
                    options: options,
                    method: .put
                )
            )
        }
        let (tables, references) = JobTables.build(jobs)
        #expect(tables.options.count == 2)
        #expect(references.map(\.options) == [0, 1, 0])

        let loaded = try Self.writtenAndReadBack(jobs, in: dir)
        let places = loaded.jobs.map { Array(($0.spec.options.metadata["place"] ?? "").utf8) }
        #expect(places == [Array("caf\u{E9}".utf8), Array("cafe\u{301}".utf8), Array("caf\u{E9}".utf8)])
    }
}
