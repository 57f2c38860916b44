import Foundation
import OSSKit
import Testing
@testable import OSSBatch

@Suite struct JobListTests {
    static func job(_ n: Int) -> UploadJob {
        UploadJob(source: "/data/file-\(n)", key: "k/\(n)",
                  identity: SourceIdentity(size: Int64(n), mtimeNanoseconds: 1, inode: UInt64(n), device: 1),
                  options: ObjectOptions(), method: .put)
    }

    static let chunked = JobList(chunks: [[job(0), job(1)], [], [job(2)], [job(3), job(4), job(5)]])

    @Test func positionsRunAcrossChunksInOrder() {
        let list = Self.chunked
        #expect(list.count == 6)
        #expect((0..<6).map { list[$0].key } == (0..<6).map { "k/\($0)" })
        #expect(list.map(\.key) == (0..<6).map { "k/\($0)" })
        #expect(Array(list.reversed()).map(\.size) == [5, 4, 3, 2, 1, 0])
        #expect(list.first?.key == "k/0" && list.last?.key == "k/5")
    }

    @Test func emptyListsHaveNoPositions() {
        #expect(JobList(chunks: []).isEmpty)
        #expect(JobList(chunks: [[], []]).isEmpty)
        var iterator = JobList([]).makeIterator()
        #expect(iterator.next() == nil)
    }

    @Test func listsAreEqualByTheirJobsHoweverChunked() {
        let flat = JobList((0..<6).map(Self.job))
        #expect(flat == Self.chunked)
        #expect(flat.hashValue == Self.chunked.hashValue)
        #expect(JobList((0..<5).map(Self.job)) != Self.chunked)
    }

    @Test func encodesAsAFlatArrayAndDecodesBack() throws {
        let data = try JSONEncoder().encode(Self.chunked)
        #expect(try JSONDecoder().decode([UploadJob].self, from: data) == (0..<6).map(Self.job))
        #expect(try JSONDecoder().decode(JobList.self, from: data) == Self.chunked)
        // The report's own encoder writes the same flat array.
        let streamed = Data(try StreamingJSONEncoder().encode(Self.chunked))
        #expect(try JSONDecoder().decode([UploadJob].self, from: streamed) == (0..<6).map(Self.job))
    }
}

@Suite struct SplitPathTests {
    @Test func aPathSplitsAfterItsLastSlashAndJoinsBackWhole() {
        let path = SplitPath("/data/exports/2026/a.csv")
        #expect(path.directory == "/data/exports/2026/" && path.name == "a.csv")
        #expect(path.path == "/data/exports/2026/a.csv")
        #expect(SplitPath("a.csv").directory == "" && SplitPath("a.csv").path == "a.csv")
        #expect(SplitPath("/top").directory == "/" && SplitPath("/top").name == "top")
        #expect(SplitPath("/dir/é 中.txt").name == "é 中.txt")
    }

    @Test func pathsJoinedFromPartsEqualPathsSplitWhole() {
        // However a path was put together, equal paths are equal values (the Hashable job depends on it).
        let cases: [(String, String)] = [("/data/", "a.txt"), ("", "a.txt"), ("backup-", "a.txt"), ("a/b", "/c"),
                                         ("p/", "x/y"), ("", ""), ("/", "")]
        for (directory, name) in cases {
            let joined = SplitPath(directory: directory, name: name)
            #expect(joined == SplitPath(directory + name), "\(directory) + \(name)")
            #expect(joined.path == directory + name)
        }
    }

    @Test func splitPathsSortByTheBytesOfTheWholePath() {
        let pieces = ["", "a", "a/", "ab", "a.b/", "é", "z/", "/", "a/b", "\u{1}"]
        var paths: [(SplitPath, String)] = []
        for directory in pieces where directory.isEmpty || directory.hasSuffix("/") {
            for name in pieces where !name.contains("/") { paths.append((SplitPath(directory: directory, name: name), directory + name)) }
        }
        for (a, whole) in paths {
            for (b, other) in paths {
                #expect(SplitPath.precedes(a, b) == Array(whole.utf8).lexicographicallyPrecedes(Array(other.utf8)),
                        "\(whole) vs \(other)")
            }
        }
    }

    @Test func keyRulesApplyToTheWholeSplitKey() {
        #expect(ObjectKey.problem(with: SplitPath(directory: "", name: "")) == "the object key is empty")
        #expect(ObjectKey.problem(with: SplitPath(directory: "/", name: "x"))?.contains("starts with '/'") == true)
        #expect(ObjectKey.problem(with: SplitPath(directory: String(repeating: "d", count: 1000) + "/", name: String(repeating: "n", count: 23)))?
            .contains("is 1024 bytes") == true)
        #expect(ObjectKey.problem(with: SplitPath(directory: String(repeating: "d", count: 1000) + "/", name: String(repeating: "n", count: 22))) == nil)
    }

    @Test func aJobWritesItsSourceAsOneStringAndReadsItBack() throws {
        var job = JobListTests.job(7)
        let json = try #require(String(data: try JSONEncoder().encode(job), encoding: .utf8))
        #expect(json.contains(#""source":"\/data\/file-7""#))
        #expect(try JSONDecoder().decode(UploadJob.self, from: Data(json.utf8)) == job)
        job.source = "/other/place.bin"
        #expect(job.location == SplitPath("/other/place.bin") && job.source == "/other/place.bin")
    }
}

@Suite struct PlanDocumentTests {
    static func plan(jobs count: Int) -> Plan {
        let target = Target(endpoint: "http://127.0.0.1:9", region: "local", bucket: "b", signature: .v4, addressing: .path)
        let jobs = (0..<count).map { (n: Int) -> UploadJob in
            let identity = SourceIdentity(size: Int64(n), mtimeNanoseconds: 1, inode: UInt64(n), device: 1)
            let options: ObjectOptions = n % 3 == 0 ? ObjectOptions(contentType: "text/plain", metadata: ["m": "\(n)"]) : ObjectOptions()
            let method: UploadMethod = n % 7 == 0 ? .multipart(PartPlan(partSize: 1 << 20, partCount: 2)) : .put
            return UploadJob(source: "/data/f\(n)", key: String(format: "k/%05d", n), identity: identity, options: options,
                             method: method)
        }
        return Plan(manifestPath: "/m.yaml", target: target, upload: UploadSettings(checkpointDir: "/cp"), credentials: nil,
                    allowEmpty: false, jobs: JobList(jobs))
    }

    /// The text of the lone job in a one-job document, as it sits inside the job list.
    static func block(of job: UploadJob) throws -> String {
        var one = plan(jobs: 0)
        one.jobs = [job]
        let text = String(decoding: try PlanDocument(one).encoded(), as: UTF8.self)
        let start = try #require(text.range(of: "\"jobs\" : [\n")).upperBound
        let end = try #require(text.range(of: "\n  ],\n  \"manifest\"")).lowerBound
        return String(text[start..<end])
    }

    @Test func aLargePlanIsWrittenInBatchesThatReadAsOneDocument() throws {
        // 9,000 jobs: batches of 4,096, each split among the cores; every job's text must be what a document
        // of that job alone holds, at the batch and part seams too.
        let plan = Self.plan(jobs: 9000)
        var pieces = 0
        var data = Data()
        try PlanDocument(plan).write { data.append($0); pieces += 1 }
        #expect(pieces > 3)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasSuffix("}\n"))
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let jobs = try #require(document["jobs"] as? [[String: Any]])
        #expect(jobs.compactMap { $0["key"] as? String } == (0..<9000).map { String(format: "k/%05d", $0) })
        for n in [0, 1, 2047, 2048, 4095, 4096, 4097, 8191, 8192, 8999] {
            let block = try Self.block(of: plan.jobs[n])
            #expect(text.contains(block + (n == 8999 ? "\n  ]" : ",\n")), "job \(n)")
        }
        // An empty plan keeps the encoder's own empty list.
        let empty = String(decoding: try PlanDocument(Self.plan(jobs: 0)).encoded(), as: UTF8.self)
        #expect(empty.contains("\"jobs\" : [\n\n  ]"))
    }
}
