import LocalFiles

/// Buffers appended bytes and writes them to a descriptor about a megabyte at a time, having every few
/// megabytes made durable on another thread as it goes (`BackgroundDataSync`), so that the `fsync` that ends
/// an atomic write of a large file (a report of 200,000 lines, 50 MB) has little left to wait for.
final class ChunkWriter {
    private let fd: Int32
    private let path: String
    private var buffer: [UInt8] = []
    private static let threshold = 1 << 20
    /// How many bytes are written between two requests to sync them.
    private static let syncEvery: Int64 = 8 << 20
    /// How many bytes went to the descriptor, and how many had when a sync was last asked for.
    private var written: Int64 = 0
    private var syncRequested: Int64 = 0
    private let sync: BackgroundDataSync
    /// A piece at least this long is written as it is, after what the buffer holds: a report's job lines come
    /// in pieces of hundreds of kilobytes, and copying each into the buffer first was a third of the time
    /// their writing took on the thread that writes (perf, 2026-12-03).
    private static let directWrite = 64 << 10

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
        sync = BackgroundDataSync(fd: fd)
        buffer.reserveCapacity(ChunkWriter.threshold + 4096)
    }

    func append<Bytes: Sequence>(_ bytes: Bytes) throws(StateFileError) where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        if buffer.count >= ChunkWriter.threshold { try flush() }
    }

    func append(_ bytes: [UInt8]) throws(StateFileError) {
        guard bytes.count >= ChunkWriter.directWrite else { return try append(bytes[...]) }
        try flush()
        try write(bytes)
    }

    func flush() throws(StateFileError) {
        guard !buffer.isEmpty else { return }
        try write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private func write(_ bytes: [UInt8]) throws(StateFileError) {
        try AtomicFile.writeAll(fd, bytes, path: path)
        written += Int64(bytes.count)
        if written - syncRequested >= ChunkWriter.syncEvery {
            sync.start()
            syncRequested = written
        }
    }

    /// Writes what the buffer holds and waits for a sync still running; throws if any sync failed. What
    /// follows (the closing `fsync`) then has only the last few megabytes to wait for.
    func finish() throws(StateFileError) {
        try flush()
        let failure = sync.finish()
        guard failure == 0 else { throw StateFileError(path: path, operation: "fsync", errno: failure) }
    }

    /// Waits for a sync still running, before the descriptor is closed on a failure.
    func abandon() { _ = sync.finish() }
}
