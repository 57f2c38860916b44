import Glibc

/// Byte-wise ordering of names and keys: the order of `ls` in the C locale and of OSS listings, and
/// the planner's sort order. `memcmp` on contiguous storage: a sort of 200,000 names spends its time here.
public enum ByteOrder {
    /// Whether the UTF-8 bytes of `a` sort before those of `b` (a proper prefix sorts first).
    public static func precedes(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        // `withUTF8` makes each string's storage contiguous (native strings already are) and borrows it.
        return a.withUTF8 { pa in b.withUTF8 { pb in compare(UnsafeRawBufferPointer(pa), UnsafeRawBufferPointer(pb)) } }
    }

    /// The positions of `keys` in ascending byte order (stable for equal keys). The keys are packed into one
    /// buffer first, so that the comparisons touch no reference counts: sorting a directory of 1,000 names
    /// otherwise spends more on retaining and releasing the names than on comparing them.
    public static func sortedPositions(of keys: [[UInt8]]) -> [Int] {
        var packed: [UInt8] = []
        packed.reserveCapacity(keys.reduce(0) { $0 + $1.count })
        var bounds: [Range<Int>] = []
        bounds.reserveCapacity(keys.count)
        for key in keys {
            bounds.append(packed.count..<(packed.count + key.count))
            packed += key
        }
        // Both buffers outlive the sort; every range lies inside `packed` by construction.
        return packed.withUnsafeBytes { bytes in
            bounds.withUnsafeBufferPointer { ranges in
                keys.indices.sorted { a, b in
                    compare(UnsafeRawBufferPointer(rebasing: bytes[ranges[a]]), UnsafeRawBufferPointer(rebasing: bytes[ranges[b]]))
                }
            }
        }
    }

    private static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let common = min(a.count, b.count)
        if common > 0, let pa = a.baseAddress, let pb = b.baseAddress {
            let order = memcmp(pa, pb, common)
            if order != 0 { return order < 0 }
        }
        return a.count < b.count
    }
}
