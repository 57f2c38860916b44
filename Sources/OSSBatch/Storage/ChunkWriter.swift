/// Buffers appended bytes and writes them to a descriptor about a megabyte at a time.
final class ChunkWriter {
    private let fd: Int32
    private let path: String
    private var buffer: [UInt8] = []
    private static let threshold = 1 << 20
    /// A piece at least this long is written as it is, after what the buffer holds: a report's job lines come
    /// in pieces of hundreds of kilobytes, and copying each into the buffer first was a third of the time
    /// their writing took on the thread that writes (perf, 2026-12-03).
    private static let directWrite = 64 << 10

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
        buffer.reserveCapacity(ChunkWriter.threshold + 4096)
    }

    func append<Bytes: Sequence>(_ bytes: Bytes) throws(StateFileError) where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        if buffer.count >= ChunkWriter.threshold { try flush() }
    }

    func append(_ bytes: [UInt8]) throws(StateFileError) {
        guard bytes.count >= ChunkWriter.directWrite else { return try append(bytes[...]) }
        try flush()
        try AtomicFile.writeAll(fd, bytes, path: path)
    }

    func flush() throws(StateFileError) {
        guard !buffer.isEmpty else { return }
        try AtomicFile.writeAll(fd, buffer, path: path)
        buffer.removeAll(keepingCapacity: true)
    }
}
