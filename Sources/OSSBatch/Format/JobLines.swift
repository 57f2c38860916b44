import Digests
import Foundation
import LocalFiles

/// The layout reports and plan documents share, one JSON document a line per job, so that both are
/// written and read a job at a time and one `jq` filter reads either:
///
///     {"format":"…",…,"directories":[…],"options":[…],"jobs":[
///     {"key":"…",…},
///     {"key":"…",…}
///     ],"crc64":"…"}
///
/// The first line holds every member of the document but its jobs; the last closes the job list with the
/// CRC-64 of every byte before it (`],"crc64":"…"}`), so that a document edited or damaged since it was written
/// is told apart (a file written before 2026-12-06 ends with `]}`: nothing to check).
enum JobLines {
    /// The most jobs a report's list is reserved for from its first lines (the 10,000,000-file benchmark's
    /// reports fit): past it the list grows as it goes.
    static let reservedJobsAtMost = 1 << 24

    /// Jobs per batch: each batch is shared out among the cores, and memory holds two batches of lines (one
    /// being written while the next is encoded).
    static let batchSize = 4096
    /// How the first line ends.
    static let opening = Array("\"jobs\":[".utf8)
    /// The last line of a document written before it had a checksum.
    static let closing = Array("]}".utf8)
    /// How the last line begins and ends around its checksum's digits.
    private static let sealedOpening = Array("],\"crc64\":\"".utf8)
    private static let sealedEnd = Array("\"}".utf8)

    /// The most bytes a last line takes (its checksum at its longest).
    static let longestClosing = sealedOpening.count + DecimalDigits.longest + sealedEnd.count

    /// The last line for a document whose bytes before it have CRC-64 `crc`.
    static func closing(crc64 crc: UInt64) -> [UInt8] { sealedOpening + Array(String(crc).utf8) + sealedEnd }

    /// A last line.
    enum Closing: Equatable {
        /// `]}`: written before documents had a checksum.
        case plain
        /// With a checksum: the CRC-64 it gives, `nil` when its digits are not a CRC-64's (damaged).
        case sealed(UInt64?)
    }

    /// What `line` is as a last line; `nil` when it is none.
    static func closingKind(of line: ArraySlice<UInt8>) -> Closing? {
        if line.elementsEqual(closing) { return .plain }
        guard line.count >= sealedOpening.count + sealedEnd.count, line.starts(with: sealedOpening),
            line.suffix(sealedEnd.count).elementsEqual(sealedEnd)
        else { return nil }
        let digits = line.dropFirst(sealedOpening.count).dropLast(sealedEnd.count)
        guard digits.count <= DecimalDigits.longest, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return .sealed(nil)
        }
        return .sealed(UInt64(String(decoding: digits, as: UTF8.self)))
    }

    /// Where a batch of job lines (`batchSize` lines, fewer in the last batch) is in a file: its lines with
    /// their commas and newlines, and the CRC-64 of those bytes.
    struct Span: Sendable, Equatable {
        var offset: Int64
        var length: Int
        var checksum: UInt64
    }

    /// Writes `header`'s members and then the lines of `count` jobs, `record(i)` giving job `i`'s, as
    /// pieces to `output`. Returns where each batch went.
    @discardableResult
    static func write(
        header: some Encodable,
        count: Int,
        record: @escaping @Sendable (Int) -> JobRecord,
        to output: ([UInt8]) throws -> Void
    ) throws -> [Span] {
        let encoder = StreamingJSONEncoder()
        return try write(
            header: header,
            count: count,
            line: { i, bytes in
                let line = record(i)
                if !JobLineWriter.append(line, to: &bytes) { bytes += try encoder.encode(line) }
            },
            to: output
        )
    }

    /// Writes `header`'s members and then the lines of `count` jobs, `line(i, &bytes)` appending job `i`'s
    /// (without comma or newline), as pieces to `output`. `copied(b)` may give the lines of batch `b` (jobs
    /// `b * batchSize` on) as they would be written, to be written instead of encoding them. Returns where
    /// each batch went.
    @discardableResult
    static func write(
        header: some Encodable,
        count: Int,
        line: @escaping @Sendable (Int, inout [UInt8]) throws -> Void,
        copied: (Int) throws -> [UInt8]? = { _ in nil },
        to output: ([UInt8]) throws -> Void
    ) throws -> [Span] {
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
        // Borrowed by the rounds below, which all end before this function returns.
        return try withoutActuallyEscaping(output) { output in
            let written = PieceWriter(output)
            var offset = Int64(first.count)
            var spans: [Span] = []
            // Every byte before the last line: the header's, then each batch's (their CRCs joined).
            var document = CRC64()
            document.update(first)
            // The batch encoded last, written while the next one is encoded: written between batches, on the
            // calling thread, it left the other cores idle (a night of 200,000 lines ran on 1.5 of 2 cores, perf
            // 2026-12-06). Its pieces come with their CRC-64s, made where they were encoded.
            var ready: [Piece] = []
            for start in stride(from: 0, to: count, by: batchSize) {
                let pieces: [Piece]
                if let lines = try copied(spans.count) {
                    try written.write(ready)
                    pieces = [Piece(lines)]
                } else {
                    let parts = DispatchQueue.ranges(splitting: min(batchSize, count - start)).map {
                        $0.shifted(by: start)
                    }
                    // Room for the part's lines at the length of the lines so far (the first batch's guessed): an
                    // array grown as it goes copies itself a few times over (a tenth of writing a night's 200,000
                    // lines, perf, 2026-12-03).
                    let lineLength = start == 0 ? 256 : Int(offset - Int64(first.count)) / start + 16
                    let previous = ready
                    // One more iteration than parts, the first: the batch before, written by whichever core
                    // takes it (first, so that a failed write is the error thrown, before any of a line).
                    let results = try DispatchQueue.concurrentMap(iterations: parts.count + 1) { k -> Piece? in
                        guard k > 0 else {
                            try written.write(previous)
                            return nil
                        }
                        let part = k - 1
                        var bytes: [UInt8] = []
                        bytes.reserveCapacity(parts[part].count * lineLength)
                        for i in parts[part] {
                            try line(i, &bytes)
                            if i + 1 < count { bytes.append(UInt8(ascii: ",")) }
                            bytes.append(UInt8(ascii: "\n"))
                        }
                        return Piece(bytes)
                    }
                    pieces = results.compactMap { $0 }
                }
                var checksum = CRC64()
                for piece in pieces { checksum.append(piece.checksum) }
                spans.append(Span(offset: offset, length: Int(checksum.count), checksum: checksum.value))
                offset += Int64(checksum.count)
                document.append(checksum)
                ready = pieces
            }
            try written.write(ready)
            try output(closing(crc64: document.value) + [UInt8(ascii: "\n")])
            return spans
        }
    }

    /// A run of encoded job lines and their CRC-64.
    private struct Piece: Sendable {
        var bytes: [UInt8]
        var checksum: CRC64

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            var checksum = CRC64()
            checksum.update(bytes)
            self.checksum = checksum
        }
    }

    /// `write`'s output, called by one iteration of a round (its first), or by the calling thread between
    /// rounds: the rounds follow one another, so calls never overlap and keep the file's order.
    private struct PieceWriter: @unchecked Sendable {
        let output: ([UInt8]) throws -> Void

        init(_ output: @escaping ([UInt8]) throws -> Void) { self.output = output }

        func write(_ pieces: [Piece]) throws {
            for piece in pieces { try output(piece.bytes) }
        }
    }

    /// What a document's last line said of the bytes before it.
    enum Seal: Equatable {
        /// Its checksum matches them.
        case intact
        /// It has no checksum (written before 2026-12-06).
        case none
        /// Its checksum does not match them: the document was changed since it was written.
        case broken(line: Int)
    }

    /// Reads a document laid out as `write` lays it out: `header` gets the first line closed into a
    /// document of its own (its job list empty) and gives the decoder of a job line (its bytes, without the
    /// comma), which is run on the job lines in parallel batches. Returns the header, the jobs, where each
    /// batch of job lines is in the file, and whether its last line's checksum matches the bytes before it (a
    /// mismatch is the caller's to report, after what it checks itself: a job line's impossible values say
    /// more than "changed"); `nil` when the file is laid out otherwise (a tool reformatted it): then it must be
    /// decoded whole.
    static func read<Header, Job: Sendable>(
        _ file: ReadableFile,
        maximumLineLength: Int,
        header: (Data) throws -> (Header, @Sendable (JSONDecoder, ArraySlice<UInt8>) throws -> Job)
    ) throws -> (Header, [Job], [Span], Seal)? {
        let reader = LineReader(file: file, maximumLineLength: maximumLineLength)
        guard let line = try reader.next(), line.count > opening.count,
            line.suffix(opening.count).elementsEqual(opening)
        else { return nil }
        let (head, decodeJob): (Header, @Sendable (JSONDecoder, ArraySlice<UInt8>) throws -> Job)
        do { (head, decodeJob) = try header(Data(line + closing)) } catch { throw LineError(line: 1, error) }
        var jobs: [Job] = []
        var spans: [Span] = []
        var document = CRC64()
        document.update(line)
        document.update(CollectionOfOne(UInt8(ascii: "\n")))
        while true {
            // A batch of lines as they are in the file: decoded where they are, and checksummed whole.
            let (lines, ends, offset) = try reader.nextLines(upTo: batchSize)
            guard !ends.isEmpty else { return nil }  // no closing line: let the whole-file decoder say what is wrong
            let starts = [lines.startIndex] + ends.dropLast().map { $0 + 1 }
            let closed = starts.indices.first { closingKind(of: lines[starts[$0]..<ends[$0]]) != nil }
            // A last line without a newline that does not close the document: not laid out as written.
            if closed == nil, ends.last == lines.endIndex { return nil }
            let count = closed ?? ends.count
            if count > 0 {
                let bytes = lines[lines.startIndex...ends[count - 1]]  // every job line ends with a newline here
                try decode(
                    lines,
                    starts: starts,
                    ends: ends,
                    count: count,
                    firstLine: reader.lineNumber - ends.count + 1,
                    with: decodeJob,
                    into: &jobs
                )
                if spans.isEmpty, count == batchSize {
                    // Room for as many jobs as the file has lines like these (growing the list by doubling
                    // copies it over and over, and holds two copies at the end). Once they decoded: from 4,096
                    // blank lines before a long tail it reserved room for a job per byte, and the process died
                    // on the allocation instead of saying what is wrong (review of b7bf3fd).
                    // At most `reservedJobsAtMost`: a real batch of lines before a hole as long as a report may be
                    // (64 GiB) still asked for hundreds of millions of jobs.
                    jobs.reserveCapacity(
                        min(Int(file.size / Int64(bytes.count) + 1) * batchSize, Self.reservedJobsAtMost)
                    )
                }
                var batch = CRC64()
                batch.update(bytes)
                spans.append(Span(offset: offset, length: bytes.count, checksum: batch.value))
                document.append(batch)
            }
            if let closed {
                let closingLine = reader.lineNumber - ends.count + 1 + closed
                for rest in closed + 1..<ends.count where starts[rest] < ends[rest] { return nil }
                while let rest = try reader.next() { guard rest.isEmpty else { return nil } }
                let seal: Seal
                switch closingKind(of: lines[starts[closed]..<ends[closed]]) {
                case .sealed(let crc)?: seal = crc == document.value ? .intact : .broken(line: closingLine)
                case .plain?, nil: seal = .none
                }
                return (head, jobs, spans, seal)
            }
        }
    }

    /// Decodes the first `count` lines in `lines` (each from its start to its end, without a comma that ends
    /// it) onto the end of `jobs`, in order, sharing them out among the cores: decoding is most of a resume's start-up, and the lines
    /// are independent.
    private static func decode<Job: Sendable>(
        _ lines: ArraySlice<UInt8>,
        starts: [Int],
        ends: [Int],
        count: Int,
        firstLine: Int,
        with decodeJob: @Sendable (JSONDecoder, ArraySlice<UInt8>) throws -> Job,
        into jobs: inout [Job]
    ) throws {
        let parts = DispatchQueue.ranges(splitting: count)
        let decoded = try DispatchQueue.concurrentMap(iterations: parts.count) { part in
            let decoder = JSONDecoder()
            return try parts[part].map { i in
                var end = ends[i]
                if end > starts[i], lines[end - 1] == UInt8(ascii: ",") { end -= 1 }
                do { return try decodeJob(decoder, lines[starts[i]..<end]) } catch {
                    throw LineError(line: firstLine + i, error)
                }
            }
        }
        for part in decoded { jobs += part }
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
