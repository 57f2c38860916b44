import OSSProtocol

/// One local file → one object key, with everything needed to upload it.
package struct UploadJob: Sendable, Hashable {
    /// Where the local file is (see `SplitPath`); `source` is the same as one string.
    package var location: SplitPath
    /// The object key (UTF-8, 1–1023 bytes, validated by the planner); `key` is the same as one string.
    package var objectKey: SplitPath
    /// The file as the planner saw it; the engine re-checks it before and after sending.
    package var identity: SourceIdentity
    package var options: ObjectOptions
    /// How the bytes go up.
    package var method: UploadMethod
    /// The file's status-change time (ns) as the planner's stat saw it, for the upload index's filter (which
    /// then needs no second stat). Not part of the job: not compared, not hashed, not written to reports.
    package var plannedCtimeNanoseconds: Int64?

    package init(
        location: SplitPath,
        objectKey: SplitPath,
        identity: SourceIdentity,
        options: ObjectOptions,
        method: UploadMethod
    ) {
        self.location = location
        self.objectKey = objectKey
        self.identity = identity
        self.options = options
        self.method = method
    }

    package init(source: String, key: String, identity: SourceIdentity, options: ObjectOptions, method: UploadMethod) {
        self.init(
            location: SplitPath(source),
            objectKey: SplitPath(key),
            identity: identity,
            options: options,
            method: method
        )
    }

    /// Absolute path of the local file.
    package var source: String {
        get { location.path }
        set { location = SplitPath(newValue) }
    }

    /// The object key.
    package var key: String {
        get { objectKey.path }
        set { objectKey = SplitPath(newValue) }
    }

    package var size: Int64 { identity.size }

    package static func == (a: UploadJob, b: UploadJob) -> Bool {
        a.location == b.location && a.objectKey == b.objectKey && a.identity == b.identity && a.options == b.options
            && a.method == b.method
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(location)
        hasher.combine(objectKey)
        hasher.combine(identity)
        hasher.combine(options)
        hasher.combine(method)
    }
}
