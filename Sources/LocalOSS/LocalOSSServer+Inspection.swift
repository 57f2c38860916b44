import Foundation

extension LocalOSSServer {
    /// The stored bytes of an object (nil if absent, or in discard mode). For tests that prove an upload is
    /// byte-exact.
    public func objectData(bucket: String, key: String) -> Data? {
        guard let opened = try? store.openObject(bucket: bucket, key: key) else { return nil }
        if opened.object.size == 0 { return Data() }
        guard let data = opened.data else { return nil }
        defer { try? data.close() }
        return try? data.readToEnd() ?? Data()
    }

    /// The stored headers of an object (lower-case names: content-type, x-oss-meta-*, …), nil if absent.
    public func objectHeaders(bucket: String, key: String) -> [String: String]? {
        (try? store.object(bucket: bucket, key: key))?.headers
    }
}

extension LocalOSSServer {
    /// The ids of the multipart uploads open in `bucket` (for tests that prove nothing was left behind, also on
    /// a server whose ListMultipartUploads is off).
    public func openUploadIDs(bucket: String) -> [String] {
        store.uploads(bucket: bucket, prefix: "").map(\.uploadID)
    }

    /// Sets when the open upload `uploadID` was initiated, as ListMultipartUploads reports it (for tests of
    /// cleanups by age). Returns whether the upload exists.
    @discardableResult
    public func setInitiated(_ date: Date, ofUpload uploadID: String) -> Bool {
        let updated: StoredUpload? = store.index.withLockedValue {
            guard $0.uploads[uploadID] != nil else { return nil }
            $0.uploads[uploadID]!.initiated = date
            return $0.uploads[uploadID]
        }
        guard let updated else { return false }
        try? store.persist(updated, to: store.uploadDirectory(updated).appendingPathComponent("upload.json"))
        return true
    }
}
