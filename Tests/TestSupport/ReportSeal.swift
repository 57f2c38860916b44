import Digests
import Foundation

/// A report's (or plan document's) last line holds the CRC-64 of every byte before it (`],"crc64":"…"}`).
/// Tests that edit a report on purpose give it the checksum its bytes now have, as whoever edits a report on
/// purpose can, so that what they test (a check behind the checksum, a spelling the writer copies) is reached.
public enum ReportSeal {
    /// Makes the last line of the file at `path` anew over every byte before it.
    public static func reseal(_ path: String) throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard bytes.last == UInt8(ascii: "\n"), let start = bytes.dropLast().lastIndex(of: UInt8(ascii: "\n"))
        else { return }
        let before = bytes[...start]
        bytes = Array(before) + Array("],\"crc64\":\"\(CRC64.checksum(before))\"}\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
