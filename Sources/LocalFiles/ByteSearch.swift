import Glibc

/// Finding a byte in a buffer with `memchr` (vectorised by libc): a report of 1,000,000 lines is 243 MB to
/// cut at its newlines, which a byte-by-byte loop does ~10 times slower.
public enum ByteSearch {
    /// The index of the first `byte` in `bytes[from...]`, or `nil`.
    public static func firstIndex(of byte: UInt8, in bytes: [UInt8], from start: Int) -> Int? {
        precondition(start >= 0 && start <= bytes.count, "start out of range")
        return bytes.withUnsafeBufferPointer { buffer -> Int? in
            // `buffer` is `bytes`' storage, valid for this closure; `memchr` reads `count - start` bytes of it
            // from `start` on and returns a pointer into that range, or nil.
            guard let base = buffer.baseAddress, start < buffer.count,
                let found = memchr(base + start, Int32(byte), buffer.count - start)
            else { return nil }
            return UnsafeRawPointer(found) - UnsafeRawPointer(base)
        }
    }

    /// Whether the UTF-8 of `text` holds `byte`. Over the bytes where they are (`utf8.span`): `utf8.contains`
    /// goes through the view's generic iterator, and planning checks every key's directory and name (3% of
    /// planning 200,000 files, perf, 2026-12-03).
    @inlinable
    public static func contains(_ byte: UInt8, in text: String) -> Bool {
        let bytes = text.utf8.span
        for i in bytes.indices where bytes[i] == byte { return true }
        return false
    }
}
