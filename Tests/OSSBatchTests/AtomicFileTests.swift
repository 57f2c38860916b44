import Foundation
import TestSupport
import Testing

@testable import OSSBatch

/// `AtomicFile.write(to:)` through its `ChunkWriter`: small pieces buffered, large ones written as they are,
/// and the disk's writing started every few megabytes along the way.
@Suite struct AtomicFileTests {
    @Test func aFileOfManyMegabytesInPiecesOfEverySizeIsWrittenExactlyWithMode0600() throws {
        let dir = try TemporaryDirectory("atomic")
        defer { dir.remove() }
        let path = dir.path + "/report.json"
        // Pieces cut from one random run at shifting offsets, so that a misplaced or lost piece shows.
        var generator = SystemRandomNumberGenerator()
        let run = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // Past several writeback starts (every 8 MiB), in pieces below and above the direct-write size.
        var expected: [UInt8] = []
        try AtomicFile.write(to: path) { (out: ChunkWriter) throws(StateFileError) in
            var piece = 0
            while expected.count < 26 << 20 {
                let size = piece % 3 == 0 ? 300_000 + piece : 97 + piece % 5_000
                let start = (piece * 7_919) % (run.count - 400_000)
                let bytes = Array(run[start..<start + size])
                if piece % 2 == 0 { try out.append(bytes) } else { try out.append(bytes[...]) }
                expected += bytes
                piece += 1
            }
        }
        #expect(FileManager.default.contents(atPath: path).map { [UInt8]($0) } == expected)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["report.json"],
            "no temporary file left"
        )
    }
}
