import Foundation
import LocalFiles

#if canImport(Glibc)
import Glibc
#endif

extension ObjectStore {
    func object(bucket: String, key: String) throws(OSSRequestError) -> StoredObject {
        guard let o = index.withLockedValue({ $0.objects[bucket]?[key] }) else { throw .noSuchKey(key) }
        return o
    }

    func exists(bucket: String, key: String) -> Bool {
        index.withLockedValue { $0.objects[bucket]?[key] != nil }
    }

    static func fileAlreadyExists(_ key: String) -> OSSRequestError {
        OSSRequestError(
            409,
            .fileAlreadyExists,
            "The object you specified already exists and can not be overwritten.",
            ec: "0026-00000009",
            extra: [("Key", key)]
        )
    }

    /// Moves a received body (already in `temporaryFile`, or discarded) into place as `object`.
    func commit(
        _ object: StoredObject,
        temporaryFile: URL?,
        forbidOverwrite: Bool
    ) throws(OSSRequestError) -> StoredObject {
        var stored = object
        let stem = ObjectStore.fileStem(forKey: object.key)
        let dir = objectsDirectory(object.bucket)
        if forbidOverwrite && exists(bucket: object.bucket, key: object.key) {
            if let temporaryFile { try? FileManager.default.removeItem(at: temporaryFile) }
            throw ObjectStore.fileAlreadyExists(object.key)
        }
        if let temporaryFile {
            stored.dataFile = stem + ".data"
            // rename(2) replaces the old data atomically: a reader sees the old or the new object, never a mix.
            guard rename(temporaryFile.path, dir.appendingPathComponent(stem + ".data").path) == 0 else {
                throw OSSRequestError(500, .internalError, "cannot store object: errno \(errno)")
            }
        }
        try persist(stored, to: dir.appendingPathComponent(stem + ".json"))
        index.withLockedValue { $0.objects[object.bucket, default: [:]][object.key] = stored }
        return stored
    }

    func delete(bucket: String, key: String) {
        let removed = index.withLockedValue { $0.objects[bucket]?.removeValue(forKey: key) }
        guard removed != nil else { return }
        let stem = objectsDirectory(bucket).appendingPathComponent(ObjectStore.fileStem(forKey: key))
        try? FileManager.default.removeItem(at: stem.appendingPathExtension("data"))
        try? FileManager.default.removeItem(at: stem.appendingPathExtension("json"))
    }

    func dataURL(_ object: StoredObject) -> URL? {
        object.dataFile.map { objectsDirectory(object.bucket).appendingPathComponent($0) }
    }

    /// Keys of `bucket` starting with `prefix` and sorting after `after`, in order, at most `limit` (+ whether more).
    /// One page of a listing under `prefix` after `after`, in key order. With a `delimiter`, keys that hold it
    /// past the prefix are rolled up into their common prefix (up to and including the delimiter), each
    /// counted once against `limit`; `after` naming such a prefix continues past all of its keys. `next` is
    /// the last entry (key or common prefix) when more follow.
    func list(
        bucket: String,
        prefix: String,
        after: String?,
        limit: Int,
        delimiter: String = ""
    ) -> (objects: [StoredObject], commonPrefixes: [String], next: String?) {
        let all = index.withLockedValue { Array(($0.objects[bucket] ?? [:]).values) }
        let skippedPrefix = after.flatMap { !delimiter.isEmpty && $0.hasSuffix(delimiter) ? $0 : nil }
        // OSS orders keys by their UTF-8 bytes.
        let matching = all.filter { o in
            o.key.hasPrefix(prefix) && (after.map { ByteOrder.precedes($0, o.key) } ?? true)
                && !(skippedPrefix.map { o.key.hasPrefix($0) } ?? false)
        }
        .sorted { ByteOrder.precedes($0.key, $1.key) }
        var objects: [StoredObject] = []
        var commonPrefixes: [String] = []
        var last: String?
        for o in matching {
            var entry = o.key
            if !delimiter.isEmpty, let cut = o.key.dropFirst(prefix.count).range(of: delimiter) {
                entry = String(o.key[..<cut.upperBound])
                if entry == commonPrefixes.last { continue }
            }
            guard objects.count + commonPrefixes.count < limit else { return (objects, commonPrefixes, last) }
            if entry == o.key { objects.append(o) } else { commonPrefixes.append(entry) }
            last = entry
        }
        return (objects, commonPrefixes, nil)
    }
}
