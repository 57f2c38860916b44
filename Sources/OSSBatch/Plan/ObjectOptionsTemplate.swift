import OSSKit

/// An entry's options with defaults applied, turned into `ObjectOptions` per file (only the content
/// type depends on the file, when it is `auto`).
struct ObjectOptionsTemplate: Sendable {
    private var base: ObjectOptions
    private var guessesContentType: Bool

    init(_ options: EntryOptions) {
        let contentType = options.contentType ?? "auto"
        guessesContentType = contentType == "auto"
        base = ObjectOptions(contentType: guessesContentType ? nil : contentType, acl: options.acl ?? .default,
                             storageClass: options.storageClass ?? .standard, metadata: options.metadata ?? [:],
                             tags: options.tags ?? [:], cacheControl: options.cacheControl,
                             contentDisposition: options.contentDisposition, contentEncoding: options.contentEncoding,
                             forbidOverwrite: options.forbidOverwrite ?? false, callback: options.callback)
    }

    func options(forFileName name: String) -> ObjectOptions {
        guard guessesContentType else { return base }
        var options = base
        options.contentType = ContentTypes.guess(forFileName: name)
        return options
    }
}
