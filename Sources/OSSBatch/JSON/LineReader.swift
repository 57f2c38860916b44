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
    /// Where `buffer` starts in the file.
    private var bufferOffset: Int64 = 0
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
        // No newline in `buffer[position..<scanned]`: each byte is searched once (searching from `position`
        // after each refill made a 256 MB line a quadratic 30-second read).
        var scanned = position
        while true {
            if let newline = ByteSearch.firstIndex(of: UInt8(ascii: "\n"), in: buffer, from: scanned) {
                let line = buffer[position..<newline]
                position = newline + 1
                scanned = position
                lineNumber += 1
                if skipping || line.count > maximumLineLength {
                    try passOver(line: lineNumber)
                    skipping = false
                    continue
                }
                return line
            }
            scanned = buffer.count
            if !skipping && buffer.count - position > maximumLineLength {
                try passOver(line: lineNumber + 1)
                skipping = true
            }
            if skipping {
                bufferOffset += Int64(buffer.count)
                buffer.removeAll(keepingCapacity: true)
                position = 0
                scanned = 0
            }
            if finished {
                guard position < buffer.count || skipping else { return nil }
                lineNumber += 1
                if skipping { return nil }
                let line = buffer[position...]
                position = buffer.count
                return line
            }
            scanned -= position  // the refill drops the bytes before `position`
            try refill()
        }
    }

    /// Up to `limit` more lines, whole and one after another as they are in the file (no line is copied on
    /// its own): `bytes` holds them with their newlines (the last line of a file may have none), `ends` the
    /// index in `bytes` where each line ends (its newline, or the end of the file), `offset` where `bytes`
    /// starts in the file. `ends` is empty at the end of the file. A line longer than `maximumLineLength`
    /// throws, even with `skipsLongLines` (this reads documents, which are read whole or not at all).
    func nextLines(
        upTo limit: Int
    ) throws(FileSystemError) -> (bytes: ArraySlice<UInt8>, ends: [Int], offset: Int64) {
        // What was returned before goes, so that the lines found now stay at the start while the buffer grows.
        if position > 0 {
            bufferOffset += Int64(position)
            buffer.removeSubrange(0..<position)
            position = 0
        }
        var ends: [Int] = []
        var lineStart = 0
        var scanned = 0  // no newline before this index after `lineStart`
        while ends.count < limit {
            if let newline = ByteSearch.firstIndex(of: UInt8(ascii: "\n"), in: buffer, from: scanned) {
                guard newline - lineStart <= maximumLineLength else { throw tooLong(line: lineNumber + ends.count + 1) }
                ends.append(newline)
                lineStart = newline + 1
                scanned = lineStart
                continue
            }
            guard buffer.count - lineStart <= maximumLineLength else {
                throw tooLong(line: lineNumber + ends.count + 1)
            }
            scanned = buffer.count
            if finished {
                if lineStart < buffer.count {
                    ends.append(buffer.count)
                    lineStart = buffer.count
                }
                break
            }
            try refill()  // `position` is 0: nothing is dropped
        }
        position = lineStart
        lineNumber += ends.count
        return (buffer[0..<lineStart], ends, bufferOffset)
    }

    /// Drops the lines returned already and appends the next chunk of the file (`finished` at its end).
    private func refill() throws(FileSystemError) {
        bufferOffset += Int64(position)
        buffer.removeSubrange(0..<position)
        position = 0
        let chunk = try file.read(upToCount: 1 << 20)
        if chunk.isEmpty { finished = true } else { buffer.append(contentsOf: chunk) }
    }

    /// Line `number` is over the limit: an error, or (with `skipsLongLines`) counted once and dropped.
    private func passOver(line number: Int) throws(FileSystemError) {
        guard skipsLongLines else { throw tooLong(line: number) }
        if number > countedLongLine {
            skippedLongLines += 1
            countedLongLine = number
        }
    }

    private func tooLong(line number: Int) -> FileSystemError {
        FileSystemError(
            operation: "read",
            path: file.path,
            errno: 0,
            detail: "line \(number) is longer than \(maximumLineLength) bytes"
        )
    }

    /// The last long line counted (one is met twice: where the limit is passed, and at its end).
    private var countedLongLine = 0
}
