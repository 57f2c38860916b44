import Foundation
import LocalFiles

/// The layout reports and plan documents share, one JSON document a line per job, so that both are
/// written and read a job at a time and one `jq` filter reads either:
///
///     {"format":"…",…,"directories":[…],"options":[…],"jobs":[
///     {"key":"…",…},
///     {"key":"…",…}
///     ]}
///
/// The first line holds every member of the document but its jobs.
enum JobLines {
    /// Jobs per batch: each batch is shared out among the cores, and memory holds one batch of lines.
    static let batchSize = 4096
    /// How the first line ends.
    static let opening = Array("\"jobs\":[".utf8)
    /// The last line.
    static let closing = Array("]}".utf8)

    /// Writes `header`'s members and then the lines of `count` jobs, `record(i)` giving job `i`'s, as
    /// pieces to `output`.
    static func write(
        header: some Encodable,
        count: Int,
        record: @escaping @Sendable (Int) -> JobRecord,
        to output: ([UInt8]) throws -> Void
    ) throws {
        let encoder = StreamingJSONEncoder()
        var first = try encoder.encode(header)
        // The header is an object with members (its format at least): its last byte is the closing brace.
        guard first.count > 2, first.last == UInt8(ascii: "}") else {
            throw EncodingError.invalidValue(
                header,
                .init(codingPath: [], debugDescription: "a document header must be an object with members")
            )
        }
        first.removeLast()
        first += Array(",".utf8) + opening + [UInt8(ascii: "\n")]
        try output(first)
        for start in stride(from: 0, to: count, by: batchSize) {
            let parts = DispatchQueue.ranges(splitting: min(batchSize, count - start)).map { $0.shifted(by: start) }
            let pieces = try DispatchQueue.concurrentMap(iterations: parts.count) { part in
                var bytes: [UInt8] = []
                for i in parts[part] {
                    let line = record(i)
                    if !JobLineWriter.append(line, to: &bytes) { bytes += try encoder.encode(line) }
                    if i + 1 < count { bytes.append(UInt8(ascii: ",")) }
                    bytes.append(UInt8(ascii: "\n"))
                }
                return bytes
            }
            for piece in pieces { try output(piece) }
        }
        try output(closing + [UInt8(ascii: "\n")])
    }

    /// Reads a document laid out as `write` lays it out: `header` gets the first line closed into a
    /// document of its own (its job list empty) and gives the decoder of a job line (its bytes, without the
    /// comma), which is run on the job lines in parallel batches. `nil` when the file is laid out otherwise
    /// (a tool reformatted it): then it must be decoded whole.
    static func read<Header, Job: Sendable>(
        _ file: ReadableFile,
        maximumLineLength: Int,
        header: (Data) throws -> (Header, @Sendable (JSONDecoder, ArraySlice<UInt8>) throws -> Job)
    ) throws -> (Header, [Job])? {
        let reader = LineReader(file: file, maximumLineLength: maximumLineLength)
        guard let line = try reader.next(), line.count > opening.count,
            line.suffix(opening.count).elementsEqual(opening)
        else { return nil }
        let (head, decodeJob): (Header, @Sendable (JSONDecoder, ArraySlice<UInt8>) throws -> Job)
        do { (head, decodeJob) = try header(Data(line + closing)) } catch { throw LineError(line: 1, error) }
        var jobs: [Job] = []
        // A batch of lines, one after another in `pending`, each ending at its entry of `ends`.
        var pending: [UInt8] = []
        var ends: [Int] = []
        var number = 1  // of the line read last
        while let line = try reader.next() {
            number += 1
            if line.elementsEqual(closing) {
                jobs += try decode(pending, ends: ends, firstLine: number - ends.count, with: decodeJob)
                while let rest = try reader.next() { guard rest.isEmpty else { return nil } }
                return (head, jobs)
            }
            pending += line.last == UInt8(ascii: ",") ? line.dropLast() : line
            ends.append(pending.count)
            if ends.count == batchSize {
                jobs += try decode(pending, ends: ends, firstLine: number - ends.count + 1, with: decodeJob)
                pending.removeAll(keepingCapacity: true)
                ends.removeAll(keepingCapacity: true)
            }
        }
        return nil  // no closing line: let the whole-file decoder say what is wrong
    }

    /// Decodes job lines in order, sharing them out among the cores: decoding is most of a resume's
    /// start-up, and the lines are independent.
    private static func decode<Job: Sendable>(
        _ lines: [UInt8],
        ends: [Int],
        firstLine: Int,
        with decodeJob: @Sendable (JSONDecoder, ArraySlice<UInt8>) throws -> Job
    ) throws -> [Job] {
        let parts = DispatchQueue.ranges(splitting: ends.count)
        let decoded = try DispatchQueue.concurrentMap(iterations: parts.count) { part in
            let decoder = JSONDecoder()
            return try parts[part].map { i in
                let line = lines[(i == 0 ? 0 : ends[i - 1])..<ends[i]]
                do { return try decodeJob(decoder, line) } catch { throw LineError(line: firstLine + i, error) }
            }
        }
        var jobs: [Job] = []
        jobs.reserveCapacity(ends.count)
        for part in decoded { jobs += part }
        return jobs
    }

    /// A line of a document that cannot be read, and why.
    struct LineError: Error, CustomStringConvertible {
        var line: Int
        var reason: String

        init(line: Int, _ error: any Error) {
            self.line = line
            reason = FormatError.describing(error)
        }

        var description: String { "line \(line): \(reason)" }
    }
}
