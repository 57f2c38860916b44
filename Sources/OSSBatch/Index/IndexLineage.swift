import Foundation
import LocalFiles

/// Which upload index a state directory wrote last, and how far: the index's own id (made when it was created)
/// and its generation (advanced by every write), kept beside the index as `<index>-lineage`.
///
/// Why: the index vouches for the objects of the versions it lists, and another batch's upload over one of its
/// keys takes the entry out (a tombstone). An index copied in from another state directory (another id), or
/// put back from an older copy (an older generation), lacks the tombstones written since: a night skipped
/// files over bytes another batch had uploaded, exit 0 (audit of 49872c5). Such an index is rebuilt: one night
/// uploads everything again. A whole state directory put back from a copy is not told apart (its lineage file
/// went back with it): operations.md says to delete its index then.
struct IndexLineage: Codable, Equatable, Sendable {
    static let currentFormat = "ossbatch-index-lineage/1"

    var format = Self.currentFormat
    /// 32 lower-case hex digits, made when the index was created.
    var id: String
    var generation: Int64

    private enum CodingKeys: String, CodingKey { case format, id, generation }

    /// The lineage file of the index file at `path`.
    static func path(ofIndex path: String) -> String { path + "-lineage" }

    /// A new index's lineage: a random id, generation 0.
    static func new() -> IndexLineage {
        IndexLineage(
            id: (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined(),
            generation: 0
        )
    }

    /// The lineage file at `path`, or nil when there is none. A file that is not one (edited, cut short, another
    /// format, a link or a directory there) throws a `FormatError` or a `FileSystemError` with a `detail`: the
    /// index beside it cannot be told to be this state directory's. One the system would not let be read now
    /// (no descriptor left, an I/O error) throws the `FileSystemError` as it is: that says nothing of the index.
    static func read(_ path: String) throws -> IndexLineage? {
        guard let bytes = try StateFile.readAll(path, maximumSize: 4096) else { return nil }
        let lineage: IndexLineage
        do { lineage = try JSONDecoder().decode(IndexLineage.self, from: Data(bytes)) } catch {
            throw FormatError("its lineage file \(path) is not one: \(error)")
        }
        guard lineage.isValid else {
            throw FormatError("its lineage file \(path) is not one (format, id or generation)")
        }
        return lineage
    }

    private var isValid: Bool {
        format == Self.currentFormat && id.utf8.count == 32
            && id.utf8.allSatisfy {
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
            }
            && generation >= 0
    }

    /// Writes the lineage file at `path` (0600, atomically).
    func write(to path: String) throws(StateFileError) {
        let bytes: [UInt8]
        do { bytes = try StreamingJSONEncoder().encode(self) + [0x0A] } catch {
            throw StateFileError(path: path, operation: "encode", reason: "\(error)")
        }
        try AtomicFile.write(bytes, to: path)
    }

    /// Why an index whose own lineage is `own` (nil: it has none, made before lineages were kept) is not the
    /// one the state directory recorded (`recorded`); nil when it is, or when nothing was recorded.
    static func mismatch(own: IndexLineage?, recorded: IndexLineage?) -> String? {
        guard let recorded else { return nil }
        guard let own, own.id == recorded.id else {
            return
                "it is not the index this state directory wrote (copied in from elsewhere, or replaced): its entries may vouch for objects other batches overwrote since"
        }
        guard own.generation >= recorded.generation else {
            return
                "it is older than the index this state directory wrote (generation \(own.generation), written up to \(recorded.generation); put back from a copy?): its entries may vouch for objects other batches overwrote since"
        }
        return nil
    }
}
