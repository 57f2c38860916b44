import Digests
import Foundation
import LocalFiles

/// The checkpoint files of one batch, one per multipart job, in a directory ossbatch owns.
///
/// File names are a hash of bucket, key and source, so they are filesystem-safe whatever the key, and stable
/// across runs. Files are written atomically with mode 0600 as `{"checkpoint":{…},"sha256":"…"}`, the
/// SHA-256 taken over the bytes of the `checkpoint` member as stored, so a torn or edited checkpoint is
/// detected and discarded instead of trusted — and a checksum never depends on how an encoder would write
/// the same value today.
package struct CheckpointStore: Sendable {
    package let directory: String

    package init(directory: String) {
        self.directory = directory
    }

    /// Creates the directory if needed and proves it writable, before any upload depends on it.
    package func prepare() throws(StateFileError) {
        try AtomicFile.prepareDirectory(directory)
    }

    /// The checkpoint path of the job uploading `source` to `bucket`/`key`.
    package func path(bucket: String, key: String, source: String) -> String {
        directory + "/" + Self.fileName(bucket: bucket, key: key, source: source)
    }

    /// The name of the checkpoint file of `source` to `bucket`/`key`, the same in every checkpoint directory.
    package static func fileName(bucket: String, key: String, source: String) -> String {
        SHA256.hash(Array("\(bucket)\n\(key)\n\(source)".utf8)).hexString.prefix(32) + ".json"
    }

    /// The uploads that checkpoints of other batches in the state directory hold for `source` to
    /// `bucket`/`key` (each batch's default checkpoint directory, `STATE/BATCH/checkpoints`, this store's
    /// own excepted): the stray-upload sweeps never touch them.
    package func uploadsHeldByOtherBatches(
        bucket: String,
        key: String,
        source: String,
        in state: StateDirectory
    )
        -> Set<String>
    {
        let name = Self.fileName(bucket: bucket, key: key, source: source)
        guard let batches = try? FileManager.default.contentsOfDirectory(atPath: state.path) else { return [] }
        var held: Set<String> = []
        for batch in batches where !batch.hasPrefix(".") {
            let dir = state.checkpoints(batch: batch)
            guard dir != directory, let upload = CheckpointStore(directory: dir).ownedUpload(dir + "/" + name) else {
                continue
            }
            held.insert(upload.uploadID)
        }
        return held
    }

    /// The checkpoint at `path`: `nil` if there is none, `.failure` if it is unreadable or corrupt.
    /// Reads `ossbatch-checkpoint/2` and `/1` (same envelope, same checksum rule).
    package func load(_ path: String) -> Result<Checkpoint, CheckpointProblem>? {
        let bytes: [UInt8]
        do {
            guard let read = try StateFile.readAll(path, maximumSize: StateFileLimits.checkpointBytes) else {
                return nil
            }
            bytes = read
        } catch {
            return .failure(Self.problem(readingFailed: error))
        }
        guard let sealed = Self.unseal(bytes) else {
            return .failure(.corrupt("not a checkpoint file as ossbatch writes it"))
        }
        guard Self.checksum(sealed.body) == sealed.sha256 else {
            return .failure(.corrupt("checksum mismatch"))
        }
        let body = Data(sealed.body)
        let decoder = JSONDecoder()
        do {
            let format = try decoder.decode(FormatTag.self, from: body).format
            switch format {
            case Checkpoint.currentFormat: return .success(try decoder.decode(Checkpoint.self, from: body))
            case CheckpointV1.format: return .success(try decoder.decode(CheckpointV1.self, from: body).checkpoint())
            default: return .failure(.corrupt("unknown format '\(format)'"))
            }
        } catch {
            return .failure(.corrupt(FormatError.describing(error)))
        }
    }

    /// What a checkpoint that could not be read is. The system refused (no descriptor left, an I/O error, its
    /// mode changed): the file may be sound, and discarding it would leave its upload open and unrecorded
    /// (audit of 49872c5, under `ulimit -n 18`): `unreadable`, kept. A link, a directory or an oversized
    /// file there is not a checkpoint: `corrupt`.
    static func problem(readingFailed error: FileSystemError) -> CheckpointProblem {
        if error.isRefusal {
            return .unreadable("cannot read \(error.path): \(error.reason)")
        }
        return .corrupt("cannot read \(error.path): \(error.reason)")
    }

    /// The upload id a checkpoint names, read leniently: used to abort the upload of a checkpoint that is
    /// being discarded, even when its checksum no longer matches.
    package func uploadIDForCleanup(_ path: String) -> String? { ownedUpload(path)?.uploadID }

    /// The upload a checkpoint names and the report of the batch it belongs to (`nil`: format 1, no owner),
    /// read leniently like `uploadIDForCleanup`.
    package func ownedUpload(_ path: String) -> (uploadID: String, report: String?)? {
        guard let bytes = try? AtomicFile.read(path, maximumSize: StateFileLimits.checkpointBytes),
            let envelope = try? JSONDecoder().decode(LenientEnvelope.self, from: Data(bytes)),
            let uploadID = envelope.checkpoint.uploadID ?? envelope.checkpoint.uploadIDV1
        else { return nil }
        return (uploadID, envelope.checkpoint.report)
    }

    package func save(_ checkpoint: Checkpoint, to path: String) throws(StateFileError) {
        let body: [UInt8]
        do {
            body = try StreamingJSONEncoder().encode(checkpoint)
        } catch {
            throw StateFileError(path: path, operation: "encode", reason: "\(error)")
        }
        let file = Self.opening + body + Self.sealing + Array(Self.checksum(body).utf8) + Array("\"}\n".utf8)
        try AtomicFile.write(file, to: path, mode: 0o600)
    }

    /// Deletes the checkpoint, and what writes of it killed mid-way left (`AtomicFile.removeLeftovers`).
    package func remove(_ path: String) {
        unlink(path)
        AtomicFile.removeLeftovers(of: path)
    }

    /// Every checkpoint in the directory (for `abort`).
    package func all() -> [(path: String, checkpoint: Checkpoint)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.sorted().filter { $0.hasSuffix(".json") }.compactMap { name in
            let path = directory + "/" + name
            if case .success(let c)? = load(path) { return (path, c) }
            return nil
        }
    }

    // MARK: the envelope

    private static let opening = Array("{\"checkpoint\":".utf8)
    private static let sealing = Array(",\"sha256\":\"".utf8)
    private static let hexDigits = Set("0123456789abcdef".utf8)

    /// The checksum of a stored `checkpoint` member: hex SHA-256 of its bytes.
    static func checksum(_ body: some Collection<UInt8>) -> String { SHA256.hash(Array(body)).hexString }

    /// The stored `checkpoint` member and the checksum that follows it, from a file laid out exactly as
    /// `save` lays it out: `{"checkpoint":` BODY `,"sha256":"` 64 hex digits `"}`, and a newline or not.
    static func unseal(_ bytes: [UInt8]) -> (body: ArraySlice<UInt8>, sha256: String)? {
        var end = bytes.endIndex
        if bytes.last == UInt8(ascii: "\n") { end -= 1 }
        let closing = Array("\"}".utf8)
        let tail = sealing.count + 64 + closing.count
        guard end - opening.count >= tail, bytes.starts(with: opening),
            bytes[(end - closing.count)..<end].elementsEqual(closing),
            bytes[(end - tail)..<(end - tail + sealing.count)].elementsEqual(sealing)
        else { return nil }
        let hex = bytes[(end - tail + sealing.count)..<(end - closing.count)]
        guard hex.allSatisfy({ hexDigits.contains($0) }) else { return nil }
        return (bytes[opening.count..<(end - tail)], String(decoding: hex, as: UTF8.self))
    }

    /// Just enough of either format to find the upload id.
    private struct LenientEnvelope: Decodable {
        struct Body: Decodable {
            var uploadID: String?
            var uploadIDV1: String?
            var report: String?

            private enum CodingKeys: String, CodingKey {
                case uploadID = "upload_id"
                case uploadIDV1 = "uploadID"
                case report
            }
        }

        var checkpoint: Body

        private enum CodingKeys: String, CodingKey { case checkpoint }
    }
}
