import Foundation

/// A stored object with its data file opened in the same instant its metadata was read
/// (`ObjectStore.openObject`): a PutObject of the same key renames new data over the path, and a delete
/// unlinks it, but an open descriptor keeps reading the bytes this metadata describes. Opened by path later,
/// a GET racing a PutObject sent the new bytes under the old `Content-Length` — a body cut short, or one
/// longer than announced that the client read as its next response.
struct OpenedObject: Sendable {
    let object: StoredObject
    /// The object's bytes; nil in discard mode.
    let data: FileHandle?
}

extension OpenedObject {
    /// The data held fewer bytes than the object's size: its answer cannot be completed.
    struct DataEndedEarly: Error {}
}
