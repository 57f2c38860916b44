import Digests
import Foundation

/// The checkpoint files of one batch, one per multipart job, in a directory ossbatch owns.
///
/// File names are a hash of bucket, key and source, so they are filesystem-safe whatever the key, and stable
/// across runs. Files are written atomically with mode 0600 and carry a SHA-256 of their content, so a torn or
/// edited checkpoint is detected and discarded instead of trusted.
public struct CheckpointStore: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Creates the directory if needed and proves it writable, before any upload depends on it.
    public func prepare() throws(StateFileError) {
        try AtomicFile.prepareDirectory(directory)
    }

    /// The checkpoint path of the job uploading `source` to `bucket`/`key`.
    public func path(bucket: String, key: String, source: String) -> String {
        let name = SHA256.hash(Array("\(bucket)\n\(key)\n\(source)".utf8)).hexString.prefix(32)
        return directory + "/" + name + ".json"
    }

    /// The checkpoint at `path`: `nil` if there is none, `.failure` if it is unreadable or corrupt.
    public func load(_ path: String) -> Result<Checkpoint, CheckpointProblem>? {
        let bytes: [UInt8]
        do {
            guard let read = try AtomicFile.read(path) else { return nil }
            bytes = read
        } catch {
            return .failure(.corrupt("\(error)"))
        }
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(bytes)) else {
            return .failure(.corrupt("not valid checkpoint JSON"))
        }
        guard let body = try? JSONEncoder.compact.encode(envelope.checkpoint),
            SHA256.hash(Array(body)).hexString == envelope.sha256
        else {
            // Still hand back what was parsed so the caller can abort its upload and not leave an orphan.
            return .failure(.corrupt("checksum mismatch; upload id \(envelope.checkpoint.uploadID)"))
        }
        guard envelope.checkpoint.format == Checkpoint.currentFormat else {
            return .failure(.corrupt("unknown format \(envelope.checkpoint.format)"))
        }
        return .success(envelope.checkpoint)
    }

    /// The upload id a checkpoint names, read leniently: used to abort the upload of a checkpoint that is
    /// being discarded, even when its checksum no longer matches.
    public func uploadIDForCleanup(_ path: String) -> String? {
        guard let bytes = try? AtomicFile.read(path),
            let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(bytes))
        else { return nil }
        return envelope.checkpoint.uploadID
    }

    public func save(_ checkpoint: Checkpoint, to path: String) throws(StateFileError) {
        let body: Data
        let file: Data
        do {
            body = try JSONEncoder.compact.encode(checkpoint)
            file = try JSONEncoder.compact.encode(
                Envelope(checkpoint: checkpoint, sha256: SHA256.hash(Array(body)).hexString)
            )
        } catch {
            throw StateFileError(path: path, operation: "encode", reason: "\(error)")
        }
        try AtomicFile.write(Array(file), to: path, mode: 0o600)
    }

    public func remove(_ path: String) {
        unlink(path)
    }

    /// Every checkpoint in the directory (for `abort`).
    public func all() -> [(path: String, checkpoint: Checkpoint)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.sorted().filter { $0.hasSuffix(".json") }.compactMap { name in
            let path = directory + "/" + name
            if case .success(let c)? = load(path) { return (path, c) }
            return nil
        }
    }

    /// What is on disk: the checkpoint and a checksum of its encoding.
    private struct Envelope: Codable {
        var checkpoint: Checkpoint
        var sha256: String
    }
}
