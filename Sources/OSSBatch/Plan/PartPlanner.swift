/// Decides how one file goes up: a single PutObject below the threshold, otherwise multipart with a
/// part size that keeps the part count within OSS's limit of 10,000.
package enum PartPlanner {
    package static let maximumParts: Int64 = 10_000
    /// OSS refuses a smaller part (bar the last one).
    package static let minimumPartSize: Int64 = 100 << 10
    package static let maximumPartSize: Int64 = 5 << 30
    /// The largest object one PutObject may send.
    package static let maximumPutSize: Int64 = 5 << 30
    /// 10,000 parts of 5 GiB: the largest object multipart can build (about 48.8 TiB).
    package static let maximumObjectSize: Int64 = maximumParts * maximumPartSize

    /// The method for a file of `size` bytes, or `nil` when the file is too big for OSS.
    package static func method(size: Int64, partSize: Int64, threshold: Int64) -> UploadMethod? {
        guard size <= maximumObjectSize else { return nil }
        guard size > 0, size >= threshold else { return .put }
        // When the configured size would need more than 10,000 parts, grow it to the smallest whole MiB that fits.
        var chosen = partSize
        if (size + partSize - 1) / partSize > maximumParts {
            let mib: Int64 = 1 << 20
            let needed = (size + maximumParts - 1) / maximumParts
            chosen = min((needed + mib - 1) / mib * mib, maximumPartSize)
        }
        let count = (size + chosen - 1) / chosen
        return .multipart(PartPlan(partSize: chosen, partCount: Int(count)))
    }
}
