import LocalFiles

/// An object's key as the store's index holds it: equal when its bytes are, as OSS names objects. Swift's
/// `String` equality takes a composed and a decomposed "é" for one key, and the store kept one object for
/// both: a test of such keys could pass or fail for the wrong reason. (The hash is `String`'s: equal bytes
/// are equal strings, so equal keys still hash alike.)
struct ObjectKey: Hashable, Sendable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (a: ObjectKey, b: ObjectKey) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }

    func hash(into hasher: inout Hasher) { hasher.combine(text) }
}
