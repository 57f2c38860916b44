import Digests
import Foundation
import Testing

@testable import OSSBatch

/// `JobLines.write`: the batches in order, each span where its lines are, and a failure ends the write with
/// nothing after it.
@Suite struct JobLinesTests {
    struct Header: Encodable { var format = "test" }
    struct Failure: Error, Equatable { var at: Int }

    /// Two full batches and a partial one.
    static let count = 2 * JobLines.batchSize + 100

    static func line(_ i: Int) -> String { #"{"n":\#(i)}"# }

    @Test func batchesGoOutInOrderAndEachSpanIsWhereItsLinesAreWithTheirChecksum() throws {
        // The middle batch is copied (as a report's unchanged batch is), the others encoded.
        let copiedBatch = (JobLines.batchSize..<2 * JobLines.batchSize).map { Self.line($0) + ",\n" }.joined()
        var written: [UInt8] = []
        let spans = try JobLines.write(
            header: Header(),
            count: Self.count,
            line: { i, bytes in bytes += Self.line(i).utf8 },
            copied: { $0 == 1 ? Array(copiedBatch.utf8) : nil },
            to: { written += $0 }
        )
        let lines = (0..<Self.count).map(Self.line).joined(separator: ",\n")
        // The last line closes the list with the CRC-64 of every byte before it.
        let body = "{\"format\":\"test\",\"jobs\":[\n" + lines + "\n"
        let closing = "],\"crc64\":\"\(CRC64.checksum(Array(body.utf8)))\"}\n"
        #expect(String(decoding: written, as: UTF8.self) == body + closing)
        #expect(spans.count == 3)
        var offset = Int64("{\"format\":\"test\",\"jobs\":[\n".utf8.count)
        for (batch, span) in spans.enumerated() {
            let first = batch * JobLines.batchSize
            let text = (first..<min(first + JobLines.batchSize, Self.count)).map { Self.line($0) + ",\n" }.joined()
            let expected = Array((batch == 2 ? String(text.dropLast(2)) + "\n" : text).utf8)
            #expect(span.offset == offset && span.length == expected.count, "batch \(batch)")
            let bytes = written[Int(span.offset)..<Int(span.offset) + span.length]
            #expect(Array(bytes) == expected && span.checksum == CRC64.checksum(expected), "batch \(batch)")
            offset += Int64(span.length)
        }
    }

    @Test func aLineThatCannotBeEncodedEndsTheWriteAfterTheBatchesBeforeIt() {
        var written: [UInt8] = []
        let failing = JobLines.batchSize + 5
        #expect(throws: Failure(at: failing)) {
            try JobLines.write(
                header: Header(),
                count: Self.count,
                line: { i, bytes in
                    if i == failing { throw Failure(at: i) }
                    bytes += Self.line(i).utf8
                },
                to: { written += $0 }
            )
        }
        let text = String(decoding: written, as: UTF8.self)
        // The first batch went out whole, nothing of the failed one nor the closing line.
        #expect(text.hasSuffix(Self.line(JobLines.batchSize - 1) + ",\n"))
        #expect(!text.contains(Self.line(JobLines.batchSize)) && !text.contains("],\"crc64\""))
    }

    /// A batch is written while the next is encoded: a write that fails (a full disk) is the error the write
    /// throws, even when a line of the batch encoded beside it fails too, and nothing is written after it.
    @Test func aFailedWriteIsTheErrorThrownBeforeALineThatFailsBesideIt() {
        var writes = 0
        let failingLine = JobLines.batchSize + 5
        #expect(throws: Failure(at: -1)) {
            try JobLines.write(
                header: Header(),
                count: Self.count,
                line: { i, bytes in
                    if i == failingLine { throw Failure(at: i) }
                    bytes += Self.line(i).utf8
                },
                to: { _ in
                    writes += 1
                    // The header goes, then the first batch's write fails (beside the second batch's encoding).
                    if writes > 1 { throw Failure(at: -1) }
                }
            )
        }
        #expect(writes == 2)
    }
}
