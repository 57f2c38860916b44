import Foundation
import OSSProtocol
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
}
