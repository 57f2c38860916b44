import OSSKit
import Synchronization

/// An entry's options with defaults applied, turned into `ObjectOptions` per file (only the content
/// type depends on the file, when it is `auto`).
struct ObjectOptionsTemplate: Sendable {
    private var base: ObjectOptions
    private var guessesContentType: Bool
    private let shared = OptionsByContentType()

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
        let type = ContentTypes.guess(forFileName: name)
        return shared.options(for: type) {
            var options = base
            options.contentType = type
            return options
        }
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
