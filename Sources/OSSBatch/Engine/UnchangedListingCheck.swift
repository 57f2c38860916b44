import Foundation
import OSSKit
import OSSProtocol

/// `--verify-remote list`: which jobs skipped as `unchanged` (the index vouched for them) have no object on
/// the server of their size and ETag, so are uploaded again after all.
package enum UnchangedListingCheck {
    /// A job skipped as unchanged: its position in the report and what the index said its object is.
    package struct Candidate: Sendable, Hashable {
        package var index: Int
        package var key: String
        package var size: Int64
        package var etag: String?

        package init(index: Int, key: String, size: Int64, etag: String?) {
            self.index = index
            self.key = key
            self.size = size
            self.etag = etag
        }
    }

    /// The positions of the candidates whose object `listed` lacks or shows with another size or ETag (an
    /// ETag compared without quotes or case; a candidate without one is stale). Keys are compared as bytes, as
    /// OSS names objects: Swift's `String` equality takes a composed "é" and a decomposed one for one key, and
    /// the object of either confirmed both.
    package static func stale(_ candidates: [Candidate], listed: [ObjectSummary]) -> [Int] {
        var objects: [[UInt8]: ObjectSummary] = [:]
        objects.reserveCapacity(listed.count)
        for object in listed { objects[Array(object.key.utf8)] = object }
        return candidates.compactMap { candidate in
            guard let object = objects[Array(candidate.key.utf8)], object.size == candidate.size,
                let etag = candidate.etag, ETag.same(etag, object.etag)
            else { return candidate.index }
            return nil
        }
    }

    /// The longest prefix all `keys` share: one listing covers them.
    package static func commonPrefix(_ keys: [String]) -> String {
        guard var prefix = keys.first.map({ Array($0.utf8) }) else { return "" }
        for key in keys.dropFirst() {
            let bytes = Array(key.utf8)
            var n = 0
            while n < min(prefix.count, bytes.count) && prefix[n] == bytes[n] { n += 1 }
            prefix.removeSubrange(n...)
            if prefix.isEmpty { break }
        }
        // Cut back to a whole UTF-8 character: a prefix ending inside one would not be valid text.
        if let lead = prefix.lastIndex(where: { $0 & 0xC0 != 0x80 }), prefix[lead] >= 0xC0 {
            let length = prefix[lead] >= 0xF0 ? 4 : prefix[lead] >= 0xE0 ? 3 : 2
            if prefix.count - lead < length { prefix.removeSubrange(lead...) }
        }
        return String(decoding: prefix, as: UTF8.self)
    }
}
