import OSSProtocol

/// An entry's options with defaults applied, turned into `ObjectOptions` per file (only the content
/// type depends on the file, when it is `auto`).
struct ObjectOptionsTemplate: Sendable {
    private var base: ObjectOptions
    private var guessesContentType: Bool
    private let shared = OptionsByContentType()

    /// Values the manifest does not give keep `ObjectOptions`' defaults (defined there only).
    init(_ options: EntryOptions) {
        guessesContentType = options.contentType == nil || options.contentType == EntryOptions.autoContentType
        var base = ObjectOptions()
        if !guessesContentType { base.contentType = options.contentType }
        if let acl = options.acl { base.acl = acl }
        if let storageClass = options.storageClass { base.storageClass = storageClass }
        if let metadata = options.metadata { base.metadata = metadata }
        if let tags = options.tags { base.tags = tags }
        base.cacheControl = options.cacheControl
        base.contentDisposition = options.contentDisposition
        base.contentEncoding = options.contentEncoding
        if let forbidOverwrite = options.forbidOverwrite { base.forbidOverwrite = forbidOverwrite }
        base.callback = options.callback
        base.serverSideEncryption = options.serverSideEncryption
        base.sseKMSKeyID = options.sseKMSKeyID
        base.sseDataEncryption = options.sseDataEncryption
        self.base = base
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
