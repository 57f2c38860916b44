import Foundation

/// Reads a file line by line in 1 MiB chunks (lines without their newline): JSON documents laid out one
/// value per line (reports, plan documents) and journals.
final class LineReader {
    private let handle: FileHandle?
    private var buffer: [UInt8] = []
    private var position = 0
    private var finished = false

    /// A reader of `path`; one that gives no lines if the file cannot be opened.
    init(path: String) {
        handle = FileHandle(forReadingAtPath: path)
        finished = handle == nil
    }

    deinit { try? handle?.close() }

    /// Whether the file could be opened.
    var isOpen: Bool { handle != nil }

    func next() -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[position..<newline]
                position = newline + 1
                return line
            }
            if finished {
                guard position < buffer.count else { return nil }
                let line = buffer[position...]
                position = buffer.count
                return line
            }
            buffer.removeSubrange(0..<position)
            position = 0
            let chunk = (try? handle?.read(upToCount: 1 << 20)) ?? nil
            if let chunk, !chunk.isEmpty { buffer.append(contentsOf: chunk) } else { finished = true }
        }
    }
}
