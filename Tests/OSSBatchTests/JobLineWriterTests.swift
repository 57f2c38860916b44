import Foundation
import TestSupport
import Testing

@testable import OSSBatch

/// `JobLineWriter` writes a job line byte for byte as `StreamingJSONEncoder` does (what every reader of
/// reports, plans and journals was made to read), and leaves lines with nested values to the encoder.
@Suite struct JobLineWriterTests {
    /// The member names are written as literals (shared arrays were retained ten times a line): each is
    /// `,"<coding key>":`, the first `{"key":`, for every member of a record but the nested ones.
    @Test func memberNamesAreTheRecordsCodingKeys() {
        typealias M = JobLineWriter.Member
        let members: [JobRecord.CodingKeys: String.UTF8View] = [
            .dir: M.dir, .name: M.name, .size: M.size, .mtimeNs: M.mtimeNs, .inode: M.inode, .device: M.device,
            .partSize: M.partSize, .partCount: M.partCount, .options: M.options, .status: M.status,
            .reason: M.reason, .uploadID: M.uploadID, .etag: M.etag, .crc64: M.crc64, .attempts: M.attempts,
            .bytesSent: M.bytesSent, .partsReused: M.partsReused, .durationMs: M.durationMs,
            .checkpoint: M.checkpoint, .ctimeNs: M.ctimeNs, .copiedFrom: M.copiedFrom,
        ]
        #expect(Array(M.key) == Array(#"{"key":"#.utf8))
        for key in JobRecord.CodingKeys.allCases where ![.key, .callback, .error, .warnings].contains(key) {
            #expect(members[key].map(Array.init) == Array(",\"\(key.rawValue)\":".utf8), "\(key)")
        }
    }

    @Test func linesAreTheEncodersBytes() throws {
        var random = SeededRandom()
        let (lines, nested) = try JobLineScannerTests.writtenLines(&random)
        let encoder = StreamingJSONEncoder()
        var written = 0
        for (line, isNested) in zip(lines, nested) {
            let record = try JSONDecoder().decode(JobRecord.self, from: Data(line))
            var bytes: [UInt8] = [0x20]
            let wrote = JobLineWriter.append(record, to: &bytes)
            #expect(wrote == !isNested, "\(random): \(JobLineScannerTests.text(line))")
            if wrote {
                #expect(bytes == [0x20] + (try encoder.encode(record)), "\(random): \(JobLineScannerTests.text(line))")
                written += 1
            } else {
                #expect(bytes == [0x20], "nothing appended")
            }
        }
        #expect(written > lines.count / 2)
    }

    @Test func aReportLineWrittenFromTheJobIsTheRecordsLine() throws {
        var random = SeededRandom()
        let jobs = JobLineScannerTests.randomJobs(&random)
        let (_, references) = JobTables.build(jobs)
        var written = 0
        for (i, (job, reference)) in zip(jobs, references).enumerated() {
            var direct: [UInt8] = [0x20]
            let wrote = JobLineWriter.appendReportLine(of: jobs, at: i, reference: reference, to: &direct)
            let record = JobRecord(job: job.spec, reference: reference, outcome: job.outcome)
            let nested = job.outcome.callback != nil || job.outcome.error != nil || job.outcome.warnings != nil
            #expect(wrote == !nested, "\(random): \(job.spec.key)")
            if wrote {
                #expect(direct == [0x20] + (try StreamingJSONEncoder().encode(record)), "\(random): \(job.spec.key)")
                written += 1
            } else {
                #expect(direct == [0x20], "nothing appended")
            }
        }
        #expect(written > jobs.count / 2)
    }

    @Test func everyMemberIsWrittenInTheEncodersOrder() throws {
        var record = JobRecord(key: "k\"\u{1}é")
        (record.dir, record.name, record.size, record.mtimeNs, record.inode) = (1, "n\\", -2, "-3", "4")
        (record.device, record.partSize, record.partCount, record.options) = (.max, .max, .max, .min)
        (record.status, record.reason, record.uploadID, record.etag, record.crc64) =
            (.skipped, .unchanged, "u", "\"e\"", "5")
        (record.attempts, record.bytesSent, record.partsReused, record.durationMs) = (6, 7, 8, 9)
        (record.checkpoint, record.ctimeNs, record.copiedFrom) = ("c\n", "10", "s/😀")
        var bytes: [UInt8] = []
        #expect(JobLineWriter.append(record, to: &bytes))
        #expect(bytes == (try StreamingJSONEncoder().encode(record)))
        #expect(String(decoding: bytes, as: UTF8.self).hasSuffix(#""copied_from":"s/😀"}"#))
    }
}
