import Digests
import Foundation
import LocalFiles

#if canImport(Glibc)
import Glibc
import OSSProtocol
#endif

extension ObjectStore {
    static let minimumPartSize: UInt64 = 102_400

    func initiate(bucket: String, key: String, headers: [String: String]) throws(OSSRequestError) -> StoredUpload {
        // Upper-case hex like OSS's ids; random so concurrent initiates never collide.
        let id = (UUID().uuidString + UUID().uuidString).replacingOccurrences(of: "-", with: "").prefix(32).uppercased()
        let upload = StoredUpload(
            bucket: bucket,
            key: key,
            uploadID: id,
            initiated: Date(),
            headers: headers,
            parts: [:]
        )
        do {
            try FileManager.default.createDirectory(at: uploadDirectory(upload), withIntermediateDirectories: true)
        } catch {
            throw OSSRequestError(500, .internalError, "cannot create upload directory: \(error)")
        }
        try persist(upload, to: uploadDirectory(upload).appendingPathComponent("upload.json"))
        index.withLockedValue { $0.uploads[id] = upload }
        return upload
    }

    /// The upload `id` of `bucket`/`key`, or 404 NoSuchUpload.
    func upload(bucket: String, key: String, id: String) throws(OSSRequestError) -> StoredUpload {
        guard let u = index.withLockedValue({ $0.uploads[id] }), u.bucket == bucket, ObjectKey(u.key) == ObjectKey(key)
        else {
            throw .noSuchUpload(id)
        }
        return u
    }

    func addPart(_ part: StoredPart, temporaryFile: URL?, to upload: StoredUpload) throws(OSSRequestError) -> StoredPart
    {
        var stored = part
        if let temporaryFile {
            // A file of its own for each part sent: one sent again under its number leaves in place the bytes
            // a CompleteMultipartUpload that chose the earlier one is joining (it reads them by name). The
            // upload's directory, with every file in it, goes when the upload ends.
            let name = "\(part.number).\(UUID().uuidString).part"
            guard rename(temporaryFile.path, uploadDirectory(upload).appendingPathComponent(name).path) == 0 else {
                throw .noSuchUpload(upload.uploadID)  // the upload was aborted or completed meanwhile
            }
            stored.dataFile = name
        }
        let record = stored
        let updated: StoredUpload? = index.withLockedValue {
            guard $0.uploads[upload.uploadID] != nil else { return nil }
            $0.uploads[upload.uploadID]!.parts[part.number] = record
            return $0.uploads[upload.uploadID]!
        }
        guard let updated else { throw .noSuchUpload(upload.uploadID) }
        try persist(updated, to: uploadDirectory(updated).appendingPathComponent("upload.json"))
        return stored
    }

    func abort(_ upload: StoredUpload) {
        index.withLockedValue { _ = $0.uploads.removeValue(forKey: upload.uploadID) }
        try? FileManager.default.removeItem(at: uploadDirectory(upload))
    }

    func uploads(bucket: String, prefix: String) -> [StoredUpload] {
        index.withLockedValue { Array($0.uploads.values) }
            // Keys compared and ordered as bytes, as OSS does (`String` takes a composed and a decomposed
            // character for one, and a prefix ending inside a `\r\n` for no prefix of it).
            .filter { $0.bucket == bucket && $0.key.utf8.starts(with: prefix.utf8) }
            .sorted {
                ObjectKey($0.key) == ObjectKey($1.key) ? $0.uploadID < $1.uploadID : ByteOrder.precedes($0.key, $1.key)
            }
    }

    /// Validates the part list against the upload (OSS's rules) and returns the parts in order.
    /// `requested` nil means `x-oss-complete-all: yes`: every uploaded part, ascending.
    func partsToComplete(
        _ upload: StoredUpload,
        requested: [(number: Int, etag: String)]?
    ) throws(OSSRequestError) -> [StoredPart] {
        let chosen: [StoredPart]
        if let requested {
            guard !requested.isEmpty else {
                throw .malformedXML(
                    "The XML you provided was not well-formed or did not validate against our published schema."
                )
            }
            var previous = 0
            var list: [StoredPart] = []
            for item in requested {
                guard item.number > previous else {
                    throw OSSRequestError(
                        400,
                        .invalidPartOrder,
                        "The list of parts was not in ascending order. The parts list must be specified in order by part number.",
                        ec: "0042-00000207"
                    )
                }
                previous = item.number
                guard let part = upload.parts[item.number],
                    part.etag.trimmingCharacters(in: ["\""]).uppercased()
                        == item.etag.trimmingCharacters(in: ["\"", " "]).uppercased()
                else {
                    throw OSSRequestError(
                        400,
                        .invalidPart,
                        "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.",
                        ec: "0042-00000206",
                        extra: [("PartNumber", "\(item.number)"), ("ETag", item.etag)]
                    )
                }
                list.append(part)
            }
            chosen = list
        } else {
            chosen = upload.parts.keys.sorted().map { upload.parts[$0]! }
            guard !chosen.isEmpty else {
                throw OSSRequestError(400, .invalidPart, "The upload has no parts.", ec: "0042-00000206")
            }
        }
        for part in chosen.dropLast() where part.size < ObjectStore.minimumPartSize {
            throw OSSRequestError(
                400,
                .entityTooSmall,
                "Your proposed upload is smaller than the minimum allowed size.",
                ec: "0042-00000208",
                extra: [("PartNumber", "\(part.number)"), ("MinSizeAllowed", "\(ObjectStore.minimumPartSize)")]
            )
        }
        return chosen
    }

    /// Joins `parts` into the object (concatenating files unless discarding) and ends the upload.
    func complete(
        _ upload: StoredUpload,
        parts: [StoredPart],
        forbidOverwrite: Bool
    ) throws(OSSRequestError) -> StoredObject {
        if forbidOverwrite && exists(bucket: upload.bucket, key: upload.key) {
            throw ObjectStore.fileAlreadyExists(upload.key)
        }
        var crc = parts[0].crc64
        var size = parts[0].size
        for part in parts.dropFirst() {
            crc = CRC64.combine(crc, part.crc64, lengthB: part.size)
            size += part.size
        }
        let etag = "\"" + MD5.hash(parts.flatMap(\.md5)).hexString.uppercased() + "-\(parts.count)\""
        let temp = temporaryFile()
        if let temp { try concatenate(parts, of: upload, into: temp) }
        let object = StoredObject(
            bucket: upload.bucket,
            key: upload.key,
            size: size,
            etag: etag,
            crc64: crc,
            lastModified: Date(),
            headers: upload.headers,
            dataFile: nil,
            isMultipart: true
        )
        let stored = try commit(object, temporaryFile: temp, forbidOverwrite: forbidOverwrite)
        abort(upload)  // the upload is finished: its parts go
        return stored
    }

    private func concatenate(_ parts: [StoredPart], of upload: StoredUpload, into target: URL) throws(OSSRequestError) {
        do {
            guard FileManager.default.createFile(atPath: target.path, contents: nil) else {
                throw OSSRequestError(500, .internalError, "cannot create \(target.lastPathComponent)")
            }
            let out = try FileHandle(forWritingTo: target)
            defer { try? out.close() }
            for part in parts {
                guard let file = part.dataFile else { continue }
                let input = try FileHandle(forReadingFrom: uploadDirectory(upload).appendingPathComponent(file))
                defer { try? input.close() }
                while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                    try out.write(contentsOf: chunk)
                }
            }
        } catch {
            try? FileManager.default.removeItem(at: target)
            throw OSSRequestError(500, .internalError, "cannot assemble object: \(error)")
        }
    }
}
