import OSSProtocol

/// An entry's options with defaults applied, turned into `ObjectOptions` per file (only the content
/// type depends on the file, when it is `auto`).
struct ObjectOptionsTemplate: Sendable {
    private var base: ObjectOptions
    private var guessesContentType: Bool
    private let shared = OptionsByContentType()

    init(_ options: EntryOptions) {
        let contentType = options.contentType ?? "auto"
        guessesContentType = contentType == "auto"
        base = ObjectOptions(
            contentType: guessesContentType ? nil : contentType,
            acl: options.acl ?? .default,
            storageClass: options.storageClass ?? .standard,
            metadata: options.metadata ?? [:],
            tags: options.tags ?? [:],
            cacheControl: options.cacheControl,
            contentDisposition: options.contentDisposition,
            contentEncoding: options.contentEncoding,
            forbidOverwrite: options.forbidOverwrite ?? false,
            callback: options.callback
        )
    }

    /// The last file extension seen and its options: the files of one directory mostly share an
    /// extension, and a hit costs neither a table lookup nor a lock. One per thread.
    struct Memo {
        fileprivate var fileExtension: Substring = ""
        fileprivate var options: ObjectOptions?
        /// The template that made `options`: a memo passed to another one is not used.
        fileprivate var template: ObjectIdentifier?
    }

    /// The options for a file called `name` (a name, not a path).
    func options(forFileName name: String, memo: inout Memo) -> ObjectOptions {
        guard guessesContentType else { return base }
        let fileExtension = ContentTypes.fileExtension(ofName: name[...])
        if let options = memo.options, memo.template == ObjectIdentifier(shared), memo.fileExtension == fileExtension {
            return options
        }
        let type = ContentTypes.guess(forExtension: fileExtension)
        let options = shared.options(for: type) {
            var options = base
            options.contentType = type
            return options
        }
        memo = Memo(fileExtension: fileExtension, options: options, template: ObjectIdentifier(shared))
        return options
    }
}
