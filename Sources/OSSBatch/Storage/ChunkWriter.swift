/// Buffers appended bytes and writes them to a descriptor about a megabyte at a time.
final class ChunkWriter {
    private let fd: Int32
    private let path: String
    private var buffer: [UInt8] = []
    private static let threshold = 1 << 20

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
        buffer.reserveCapacity(ChunkWriter.threshold + 4096)
    }

    func append<Bytes: Sequence>(_ bytes: Bytes) throws(StateFileError) where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        if buffer.count >= ChunkWriter.threshold { try flush() }
    }

    func flush() throws(StateFileError) {
        guard !buffer.isEmpty else { return }
        try AtomicFile.writeAll(fd, buffer, path: path)
        buffer.removeAll(keepingCapacity: true)
    }
}
