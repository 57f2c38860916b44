import Foundation
import LocalFiles
import TestSupport
import Testing

@testable import OSSBatch

/// `LineReader` over real files read in 1 MiB chunks: lines that straddle chunks come out whole, a line
/// over the limit throws or is skipped and counted, and a long line costs one pass over its bytes.
@Suite struct LineReaderTests {
    func reader(_ bytes: [UInt8], limit: Int, skipping: Bool = false) throws -> LineReader {
        let dir = try TemporaryDirectory("line-reader")
        defer { dir.remove() }
        try dir.write("lines", Data(bytes))
        // Open before the directory goes: the reader keeps the file open.
        let file = try #require(try StateFile.openForReading(dir.path + "/lines", maximumSize: 1 << 30))
        return LineReader(file: file, maximumLineLength: limit, skipsLongLines: skipping)
    }

    func lines(_ reader: LineReader) throws -> [[UInt8]] {
        var lines: [[UInt8]] = []
        while let line = try reader.next() { lines.append(Array(line)) }
        return lines
    }

    @Test func linesAcrossChunkBoundariesComeOutWholeAndALastLineNeedsNoNewline() throws {
        // Lines of 1 to 3 MiB and short ones, so that newlines fall anywhere in the 1 MiB chunks.
        let sizes = [5, (1 << 20) - 3, 0, 3 << 20, 1, (1 << 20) + 7, 10]
        let expected = sizes.enumerated().map {
            [UInt8](repeating: UInt8(ascii: "a") + UInt8($0.offset), count: $0.element)
        }
        var bytes: [UInt8] = []
        for line in expected { bytes += line + [UInt8(ascii: "\n")] }
        bytes.removeLast()  // the last line without its newline
        #expect(try lines(reader(bytes, limit: 4 << 20)) == expected)
    }

    @Test func aLineOverTheLimitThrowsOrIsSkippedAndCounted() throws {
        let long = [UInt8](repeating: 0x20, count: (5 << 20) + 3)
        let bytes = Array("one\n".utf8) + long + Array("\ntwo\n".utf8) + long + Array("\nthree".utf8)
        let strict = try reader(bytes, limit: 1 << 20)
        #expect(try strict.next().map(Array.init) == Array("one".utf8))
        #expect(throws: FileSystemError.self) { try strict.next() }

        let lenient = try reader(bytes, limit: 1 << 20, skipping: true)
        #expect(try lines(lenient) == [Array("one".utf8), Array("two".utf8), Array("three".utf8)])
        #expect(lenient.skippedLongLines == 2)
        #expect(lenient.lineNumber == 5)
    }
}
