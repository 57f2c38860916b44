/// A request body: the source the transport reads while it sends. File bodies stream from disk with `pread`
/// (inside curl's read callback, for CurlHTTP): no part-sized buffer.
public enum HTTPRequestBody: Sendable {
    case none
    case bytes([UInt8])
    /// `length` bytes of the open file `descriptor` from `offset`. The caller keeps the descriptor open until
    /// `send` returns; `pread` leaves the file offset alone, so one descriptor may serve concurrent requests.
    case file(descriptor: Int32, offset: Int64, length: Int64)

    public var length: Int64 {
        switch self {
        case .none: return 0
        case .bytes(let b): return Int64(b.count)
        case .file(_, _, let length): return length
        }
    }
}
