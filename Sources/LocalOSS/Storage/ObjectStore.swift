import Digests
import Foundation
import NIOConcurrencyHelpers
import OSSProtocol

/// Objects and multipart uploads of every bucket: an in-memory index backed by files under the data directory
/// (`<bucket>/objects/<sha256(key)>.{data,json}`, `<bucket>/uploads/<id>/{upload.json,<n>.<uuid>.part}`, `tmp/`).
final class ObjectStore: Sendable {
    struct Index: Sendable {
        var objects: [String: [ObjectKey: StoredObject]] = [:]  // bucket → key → object
        var uploads: [String: StoredUpload] = [:]  // upload id → upload
        /// A bucket's keys in byte order, made by the first listing after a change: a sync tool's listing of
        /// an unchanged bucket pages through one sorted copy instead of sorting every key for every page.
        var sortedKeys: [String: [String]] = [:]
    }

    let root: URL
    let discard: Bool
    let index = NIOLockedValueBox(Index())

    init(root: URL, buckets: Set<String>, discard: Bool) throws {
        self.root = root
        self.discard = discard
        let fm = FileManager.default
        let temporary = root.appendingPathComponent("tmp")
        try fm.createDirectory(at: temporary, withIntermediateDirectories: true)
        // Bodies a server killed mid-request was receiving: nothing refers to them (a body becomes an object or
        // a part only by a rename), and each restart after a `kill -9` left more behind. One server a directory.
        for file in (try? fm.contentsOfDirectory(atPath: temporary.path)) ?? [] {
            try? fm.removeItem(at: temporary.appendingPathComponent(file))
        }
        var loaded = Index()
        for bucket in buckets {
            let objects = root.appendingPathComponent(bucket).appendingPathComponent("objects")
            let uploads = root.appendingPathComponent(bucket).appendingPathComponent("uploads")
            try fm.createDirectory(at: objects, withIntermediateDirectories: true)
            try fm.createDirectory(at: uploads, withIntermediateDirectories: true)
            loaded.objects[bucket] = [:]
            // Reload what an earlier run stored, so a restarted server keeps its state.
            for file in (try? fm.contentsOfDirectory(atPath: objects.path)) ?? [] where file.hasSuffix(".json") {
                if let o = try? ObjectStore.decode(StoredObject.self, objects.appendingPathComponent(file)) {
                    loaded.objects[bucket]![ObjectKey(o.key)] = o
                }
            }
            for dir in (try? fm.contentsOfDirectory(atPath: uploads.path)) ?? [] {
                let file = uploads.appendingPathComponent(dir).appendingPathComponent("upload.json")
                if let u = try? ObjectStore.decode(StoredUpload.self, file) { loaded.uploads[u.uploadID] = u }
            }
        }
        index.withLockedValue { $0 = loaded }
    }

    // MARK: paths

    func objectsDirectory(_ bucket: String) -> URL {
        root.appendingPathComponent(bucket).appendingPathComponent("objects")
    }
    func uploadDirectory(_ upload: StoredUpload) -> URL {
        root.appendingPathComponent(upload.bucket).appendingPathComponent("uploads").appendingPathComponent(
            upload.uploadID
        )
    }
    static func fileStem(forKey key: String) -> String { SHA256.hash(Array(key.utf8)).hexString }

    /// A fresh temporary file for a body, or nil in discard mode.
    func temporaryFile() -> URL? {
        discard ? nil : temporaryPath()
    }

    /// A fresh name in `tmp/` (emptied at start), on the objects' file system so that a rename puts it in place.
    func temporaryPath(extension suffix: String = "") -> URL {
        root.appendingPathComponent("tmp").appendingPathComponent(UUID().uuidString + suffix)
    }

    // MARK: JSON

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        return e
    }()

    static func decode<T: Decodable>(_ type: T.Type, _ url: URL) throws -> T {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return try d.decode(type, from: Data(contentsOf: url))
    }

    /// Writes `value` as JSON, atomically (temp file + rename) so that a crash never leaves half a record —
    /// unless `url` is itself a temporary file that a rename puts in place.
    func persist<T: Encodable>(_ value: T, to url: URL, atomically: Bool = true) throws(OSSRequestError) {
        do {
            try ObjectStore.encoder.encode(value).write(to: url, options: atomically ? .atomic : [])
        } catch {
            throw OSSRequestError(500, .internalError, "cannot write metadata: \(error)")
        }
    }

    static func etag(md5: [UInt8]) -> String { "\"" + md5.hexString.uppercased() + "\"" }
}
