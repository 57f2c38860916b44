import OSSKit
import Synchronization

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

/// One `ObjectOptions` per content type, made when the first file of that type is planned and shared by the
/// later ones (see `ObjectOptions`). Made on demand, not up front: a generated manifest may have 100,000
/// single-file entries, each needing one type.
private final class OptionsByContentType: Sendable {
    private let table = Mutex<[String: ObjectOptions]>([:])

    func options(for type: String, make: () -> ObjectOptions) -> ObjectOptions {
        table.withLock { table in
            if let shared = table[type] { return shared }
            let options = make()
            table[type] = options
            return options
        }
    }
}
