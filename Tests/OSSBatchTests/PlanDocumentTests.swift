import Foundation
import OSSProtocol
import Testing

@testable import OSSBatch

@Suite struct PlanDocumentTests {
    static func plan(jobs count: Int) -> Plan {
        let target = Target(
            endpoint: "http://127.0.0.1:9",
            region: "local",
            bucket: "b",
            signature: .v4,
            addressing: .path
        )
        let jobs = (0..<count).map { (n: Int) -> UploadJob in
            let identity = SourceIdentity(size: Int64(n), mtimeNanoseconds: 1, inode: UInt64(n), device: 1)
            let options: ObjectOptions =
                n % 3 == 0 ? ObjectOptions(contentType: "text/plain", metadata: ["m": "\(n)"]) : ObjectOptions()
            let method: UploadMethod = n % 7 == 0 ? .multipart(PartPlan(partSize: 1 << 20, partCount: 2)) : .put
            return UploadJob(
                source: "/data/f\(n)",
                key: String(format: "k/%05d", n),
                identity: identity,
                options: options,
                method: method
            )
        }
        return Plan(
            manifestPath: "/m.yaml",
            target: target,
            upload: UploadSettings(checkpointDir: "/cp"),
            credentials: nil,
            allowEmpty: false,
            jobs: JobList(jobs)
        )
    }

    /// The whole `--json` document of `plan`.
    static func text(of plan: Plan) throws -> String {
        var data = Data()
        try PlanDocument(plan).write { data.append($0) }
        return String(decoding: data, as: UTF8.self)
    }

    /// The text of the lone job in a one-job document, as it sits inside the job list.
    static func block(of job: UploadJob) throws -> String {
        var one = plan(jobs: 0)
        one.jobs = [job]
        let text = try text(of: one)
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
        try PlanDocument(plan).write {
            data.append($0)
            pieces += 1
        }
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
        let empty = try Self.text(of: Self.plan(jobs: 0))
        #expect(empty.contains("\"jobs\" : [\n\n  ]"))
    }
}
