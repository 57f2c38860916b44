import Foundation
import NIOCore
import OSSProtocol

extension ObjectStore {
    /// The bytes of a copy: size, MD5 (nil when discarding), CRC-64 and the temporary file holding them.
    struct CopiedData {
        var size: UInt64
        var md5: [UInt8]?
        var crc64: UInt64
        var temporaryFile: URL?
    }

    /// Reads `range` (nil: all) of the opened source object into a fresh temporary file through a `BodySink`,
    /// so a copy is hashed exactly like a received body. In discard mode only a whole-object copy is possible
    /// (its CRC-64 is known; its MD5 is not).
    func copyData(of opened: OpenedObject, range: ClosedRange<UInt64>?) throws(OSSRequestError) -> CopiedData {
        let source = opened.object
        let first = range?.lowerBound ?? 0
        let length = range.map { $0.upperBound - $0.lowerBound + 1 } ?? source.size
        guard let input = opened.data else {
            guard source.size == 0 || length == source.size else {
                throw OSSRequestError(501, .notImplemented, "LocalOSS runs with --discard: a range cannot be copied.")
            }
            return CopiedData(size: source.size, md5: nil, crc64: source.crc64, temporaryFile: nil)
        }
        let sink = try BodySink(file: temporaryFile())
        defer { try? input.close() }
        do {
            try input.seek(toOffset: first)
            var left = length
            while left > 0 {
                guard let chunk = try input.read(upToCount: Int(min(left, 1 << 20))), !chunk.isEmpty else {
                    throw OSSRequestError(500, .internalError, "the source object's data ended early")
                }
                try sink.write(ByteBuffer(bytes: chunk))
                left -= UInt64(chunk.count)
            }
        } catch {
            sink.discardFile()
            throw (error as? OSSRequestError) ?? OSSRequestError(500, .internalError, "cannot copy: \(error)")
        }
        let (size, md5, crc) = sink.finish()
        return CopiedData(size: size, md5: md5, crc64: crc, temporaryFile: sink.temporaryFile)
    }
}
