import Glibc

/// Byte-wise ordering of names and keys: the order of `ls` in the C locale and of OSS listings, and
/// the planner's sort order. `memcmp` on contiguous storage: a sort of 200,000 names spends its time here.
public enum ByteOrder {
    /// Whether the UTF-8 bytes of `a` sort before those of `b` (a proper prefix sorts first).
    @inlinable
    public static func precedes(_ a: String, _ b: String) -> Bool {
        order(joining: a.utf8.span, Span(), b.utf8.span, Span()) < 0
    }

    /// Whether `a1 + a2` sorts before `b1 + b2` by UTF-8 bytes, without building either string.
    ///
    /// Over the strings' bytes where they are (`utf8.span`), without the copies `withUTF8` needed (it wants a
    /// `var`), and inlinable, so that a caller's optimizer sees what is read.
    @inlinable
    public static func precedes(joining a1: String, _ a2: String, _ b1: String, _ b2: String) -> Bool {
        order(joining: a1.utf8.span, a2.utf8.span, b1.utf8.span, b2.utf8.span) < 0
    }

    /// Whether `a1 + a2` is `b` byte for byte, without building the joined string (two `memcmp`s).
    @inlinable
    public static func equals(joining a1: String, _ a2: String, _ b: String) -> Bool {
        let (x1, x2, y) = (a1.utf8.span, a2.utf8.span, b.utf8.span)
        guard x1.count + x2.count == y.count else { return false }
        return same(x1, y, at: 0) && same(x2, y, at: x1.count)
    }

    /// Negative, zero or positive as `a1 + a2` sorts before, is, or sorts after `b1 + b2`, by bytes.
    public static func order(
        joining a1: Span<UInt8>,
        _ a2: Span<UInt8>,
        _ b1: Span<UInt8>,
        _ b2: Span<UInt8>
    ) -> Int {
        a1.withUnsafeBufferPointer { pa1 in
            a2.withUnsafeBufferPointer { pa2 in
                b1.withUnsafeBufferPointer { pb1 in
                    b2.withUnsafeBufferPointer { pb2 in
                        var a = JoinedBytes(UnsafeRawBufferPointer(pa1), UnsafeRawBufferPointer(pa2))
                        var b = JoinedBytes(UnsafeRawBufferPointer(pb1), UnsafeRawBufferPointer(pb2))
                        // Compare the longest stretch both have left in their current part, then move on.
                        while let x = a.current, let y = b.current {
                            let n = min(x.count, y.count)
                            if let px = x.baseAddress, let py = y.baseAddress {
                                let order = memcmp(px, py, n)
                                if order != 0 { return Int(order) }
                            }
                            a.advance(by: n)
                            b.advance(by: n)
                        }
                        return a.current == nil ? (b.current == nil ? 0 : -1) : 1
                    }
                }
            }
        }
    }

    /// Whether `a` and `b` hold the same bytes.
    public static func equals(_ a: Span<UInt8>, _ b: Span<UInt8>) -> Bool {
        a.count == b.count && same(a, b, at: 0)
    }

    /// Whether `whole`, from `offset`, starts with the bytes of `part` (which fit: the caller checked).
    @usableFromInline
    static func same(_ part: Span<UInt8>, _ whole: Span<UInt8>, at offset: Int) -> Bool {
        part.withUnsafeBufferPointer { pp in
            whole.withUnsafeBufferPointer { pw in
                // `offset + part.count <= whole.count`, checked by the caller.
                equal(
                    UnsafeRawBufferPointer(pp),
                    UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(pw)[offset...])
                )
            }
        }
    }

    /// Whether two buffers of one length hold the same bytes.
    private static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count > 0, let pa = a.baseAddress, let pb = b.baseAddress else { return true }
        return memcmp(pa, pb, a.count) == 0
    }

    /// Two byte buffers read as one, a stretch at a time.
    private struct JoinedBytes {
        private var parts: (UnsafeRawBufferPointer, UnsafeRawBufferPointer)
        private var onSecond = false
        private var offset = 0

        init(_ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) {
            parts = (first, second)
            skipEmpty()
        }

        /// What is left of the current part; `nil` at the end.
        var current: UnsafeRawBufferPointer? {
            let part = onSecond ? parts.1 : parts.0
            return offset < part.count ? UnsafeRawBufferPointer(rebasing: part[offset...]) : nil
        }

        mutating func advance(by n: Int) {
            offset += n
            skipEmpty()
        }

        private mutating func skipEmpty() {
            if !onSecond && offset >= parts.0.count {
                onSecond = true
                offset = 0
            }
        }
    }

    /// Keys packed into one buffer, to be sorted: the comparisons then touch no reference counts (sorting
    /// a directory of 1,000 names as strings spent more on retaining and releasing them than on comparing).
    public struct PackedKeys {
        private var bytes: [UInt8] = []
        private var bounds: [Range<Int>] = []

        public init(count: Int = 0) { bounds.reserveCapacity(count) }

        public var count: Int { bounds.count }

        /// Adds a key: its UTF-8 bytes.
        public mutating func append(_ key: String) {
            bounds.append(bytes.count..<(bytes.count + key.utf8.count))
            bytes += key.utf8
        }

        /// Adds a key of raw bytes.
        public mutating func append(bytes key: [UInt8]) {
            bounds.append(bytes.count..<(bytes.count + key.count))
            bytes += key
        }

        /// The positions of the keys in ascending byte order (stable for equal keys).
        public func sortedPositions() -> [Int] {
            guard bounds.count > 1 else { return Array(bounds.indices) }
            // Names in one directory mostly share a prefix ("record-00…"): each key is sorted first by the
            // 8 bytes after the prefix common to all keys, as a big-endian integer padded with zeros, which
            // orders keys as `memcmp` would; only equal integers need the full comparison.
            let common = commonPrefixLength()
            var tagged = bounds.indices.map { (window: window(of: bounds[$0], after: common), position: $0) }
            // Both buffers outlive the sort; every range lies inside `bytes` by construction.
            bytes.withUnsafeBytes { buffer in
                tagged.sort { a, b in
                    if a.window != b.window { return a.window < b.window }
                    return ByteOrder.compare(
                        UnsafeRawBufferPointer(rebasing: buffer[bounds[a.position]]),
                        UnsafeRawBufferPointer(rebasing: buffer[bounds[b.position]])
                    )
                }
            }
            return tagged.map(\.position)
        }

        /// How many leading bytes every key shares.
        private func commonPrefixLength() -> Int {
            let first = bounds[0]
            var common = first.count
            for other in bounds.dropFirst() where common > 0 {
                var n = 0
                let limit = min(common, other.count)
                while n < limit && bytes[first.lowerBound + n] == bytes[other.lowerBound + n] { n += 1 }
                common = n
            }
            return common
        }

        private func window(of range: Range<Int>, after offset: Int) -> UInt64 {
            var value: UInt64 = 0
            for i in (range.lowerBound + offset)..<(range.lowerBound + offset + 8) {
                value = value << 8 | UInt64(i < range.upperBound ? bytes[i] : 0)
            }
            return value
        }
    }

    fileprivate static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let common = min(a.count, b.count)
        if common > 0, let pa = a.baseAddress, let pb = b.baseAddress {
            let order = memcmp(pa, pb, common)
            if order != 0 { return order < 0 }
        }
        return a.count < b.count
    }
}
