import OSSKit

/// An entry's options with defaults applied, turned into `ObjectOptions` per file (only the content
/// type depends on the file, when it is `auto`).
struct ObjectOptionsTemplate: Sendable {
    private var base: ObjectOptions
    private var guessesContentType: Bool
    /// One `ObjectOptions` per content type the table can guess, made once: the files that share a type
    /// share one storage (see `ObjectOptions`).
    private var byContentType: [String: ObjectOptions] = [:]

    init(_ options: EntryOptions) {
        let contentType = options.contentType ?? "auto"
        guessesContentType = contentType == "auto"
        base = ObjectOptions(contentType: guessesContentType ? nil : contentType, acl: options.acl ?? .default,
                             storageClass: options.storageClass ?? .standard, metadata: options.metadata ?? [:],
                             tags: options.tags ?? [:], cacheControl: options.cacheControl,
                             contentDisposition: options.contentDisposition, contentEncoding: options.contentEncoding,
                             forbidOverwrite: options.forbidOverwrite ?? false, callback: options.callback)
        if guessesContentType {
            for type in Set(ContentTypes.byExtension.values).union([ContentTypes.fallback]) {
                var options = base
                options.contentType = type
                byContentType[type] = options
            }
        }
    }

    func options(forFileName name: String) -> ObjectOptions {
        guard guessesContentType else { return base }
        let type = ContentTypes.guess(forFileName: name)
        if let shared = byContentType[type] { return shared }
        var options = base
        options.contentType = type
        return options
    }
}
