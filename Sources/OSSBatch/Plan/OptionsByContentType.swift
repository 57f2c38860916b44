import OSSProtocol
import Synchronization

/// One `ObjectOptions` per content type, made when the first file of that type is planned and shared by the
/// later ones (see `ObjectOptions`). Made on demand, not up front: a generated manifest may have 100,000
/// single-file entries, each needing one type.
final class OptionsByContentType: Sendable {
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
