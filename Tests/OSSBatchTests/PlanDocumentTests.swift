import Digests
import Foundation
import OSSKit
import OSSProtocol
import TestSupport
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
            let multipart = n % 7 == 0
            let identity = SourceIdentity(
                size: multipart ? (1 << 20) + Int64(n) : Int64(n),
                mtimeNanoseconds: 1,
                inode: UInt64(n),
                device: 1
            )
            let options: ObjectOptions =
                n % 3 == 0 ? ObjectOptions(contentType: "text/plain", metadata: ["m": "\(n % 2)"]) : ObjectOptions()
            let method: UploadMethod = multipart ? .multipart(PartPlan(partSize: 1 << 20, partCount: 2)) : .put
            return UploadJob(
                source: "/data/d\(n / 1000)/f\(n)",
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

    /// The whole `--json` document of `plan`, and how many pieces it was written in.
    static func text(of plan: Plan) throws -> (text: String, pieces: Int) {
        var data = Data()
        var pieces = 0
        try PlanDocument(plan).write {
            data.append($0)
            pieces += 1
        }
        return (String(decoding: data, as: UTF8.self), pieces)
    }

    @Test func aLargePlanIsWrittenInBatchesThatReadAsOneDocument() throws {
        // 9,000 jobs: batches of 4,096, each split among the cores.
        let plan = Self.plan(jobs: 9000)
        let (text, pieces) = try Self.text(of: plan)
        #expect(pieces > 3)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(document["format"] as? String == "ossbatch-plan/2")
        #expect((document["plan_id"] as? String) == plan.planID)
        #expect((document["totals"] as? [String: Any])?["multipart_jobs"] as? Int == 1286)
        #expect((document["options"] as? [Any])?.count == 3)
        #expect((document["directories"] as? [Any])?.count == 9)
        let jobs = try #require(document["jobs"] as? [[String: Any]])
        #expect(jobs.compactMap { $0["key"] as? String } == (0..<9000).map { String(format: "k/%05d", $0) })
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // The last line closes the list with the CRC-64 of every byte before it.
        let before = Array(text.utf8).dropLast(lines[9001].utf8.count + 1)
        #expect(lines.count == 9000 + 3 && lines[9001] == "],\"crc64\":\"\(CRC64.checksum(before))\"}")
        #expect(lines[9002].isEmpty)
        // Same plan, same bytes.
        #expect(try Self.text(of: Self.plan(jobs: 9000)).text == text)
        // An empty plan has the same layout.
        let empty = try Self.text(of: Self.plan(jobs: 0)).text
        let opened = try #require(empty.split(separator: "\n").first).appending("\n")
        #expect(opened.hasSuffix(#","directories":[],"options":[],"jobs":["# + "\n"))
        #expect(empty == opened + "],\"crc64\":\"\(CRC64.checksum(Array(opened.utf8)))\"}\n")
    }

    @Test func aPlanHasTheReportsLayoutAndJobLinesWithoutTheOutcomes() throws {
        // One jq filter reads both: the same header line up to the tables, the same job lines but the outcome.
        let plan = Self.plan(jobs: 20)
        let planLines = try Self.text(of: plan).text.split(separator: "\n")
        let dir = try TemporaryDirectory("plan")
        defer { dir.remove() }
        let path = dir.path + "/report.json"
        try ReportStore.create(at: path).write(Report(plan: plan, planID: plan.planID))
        let reportLines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(planLines.count == reportLines.count)
        for (p, r) in zip(planLines.dropFirst().dropLast(), reportLines.dropFirst().dropLast()) {
            #expect(r.replacingOccurrences(of: #","status":"pending"}"#, with: "}") == p)
        }
        let tables = try #require(planLines[0].range(of: #","directories":"#))
        #expect(reportLines[0].hasSuffix(planLines[0][tables.lowerBound...]))
    }
}
