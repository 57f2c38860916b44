import LocalFiles

/// Reads a file line by line in 1 MiB chunks (lines without their newline): JSON documents laid out one
/// value per line (reports) and journals. A line longer than `maximumLineLength` is never held whole: it
/// throws, or — with `skipsLongLines` — is passed over and counted in `skippedLongLines`.
final class LineReader {
    private let file: ReadableFile
    private let maximumLineLength: Int
    private let skipsLongLines: Bool
    private var buffer: [UInt8] = []
    private var position = 0
    private var finished = false
    /// Lines read so far (the number of the line `next()` returned last).
    private(set) var lineNumber = 0
    private(set) var skippedLongLines = 0

    init(file: ReadableFile, maximumLineLength: Int, skipsLongLines: Bool = false) {
        self.file = file
        self.maximumLineLength = maximumLineLength
        self.skipsLongLines = skipsLongLines
    }

    func next() throws(FileSystemError) -> ArraySlice<UInt8>? {
        // Inside a line over the limit, whose bytes are being dropped until its end.
        var skipping = false
        while true {
            if let newline = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[position..<newline]
                position = newline + 1
                lineNumber += 1
                if skipping || line.count > maximumLineLength {
                    try passOver(line: lineNumber)
                    skipping = false
                    continue
                }
                return line
            }
            if !skipping && buffer.count - position > maximumLineLength {
                try passOver(line: lineNumber + 1)
                skipping = true
            }
            if skipping {
                buffer.removeAll(keepingCapacity: true)
                position = 0
            }
            if finished {
                guard position < buffer.count || skipping else { return nil }
                lineNumber += 1
                if skipping { return nil }
                let line = buffer[position...]
                position = buffer.count
                return line
            }
            buffer.removeSubrange(0..<position)
            position = 0
            let chunk = try file.read(upToCount: 1 << 20)
            if chunk.isEmpty { finished = true } else { buffer.append(contentsOf: chunk) }
        }
    }

    /// Line `number` is over the limit: an error, or (with `skipsLongLines`) counted once and dropped.
    private func passOver(line number: Int) throws(FileSystemError) {
        guard skipsLongLines else {
            throw FileSystemError(
                operation: "read",
                path: file.path,
                errno: 0,
                detail: "line \(number) is longer than \(maximumLineLength) bytes"
            )
        }
        if number > countedLongLine {
            skippedLongLines += 1
            countedLongLine = number
        }
    }

    /// The last long line counted (one is met twice: where the limit is passed, and at its end).
    private var countedLongLine = 0
}
