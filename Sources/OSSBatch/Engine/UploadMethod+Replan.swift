extension UploadMethod {
    /// The method for a file of `size` bytes under `settings`: PutObject below the threshold, else parts of
    /// `partSize`, grown (in whole MiB) so no file needs more than 10,000 parts.
    static func planned(size: Int64, settings: UploadSettings) -> UploadMethod {
        guard size >= settings.multipartThreshold, size > 0 else { return .put }
        var partSize = settings.partSize
        let minimum = (size + 9_999) / 10_000
        if partSize < minimum {
            let mib: Int64 = 1 << 20
            partSize = (minimum + mib - 1) / mib * mib
        }
        return .multipart(PartPlan(partSize: partSize, partCount: Int((size + partSize - 1) / partSize)))
    }
}
