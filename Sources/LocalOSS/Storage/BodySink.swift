import Digests
import Foundation
import LocalFiles
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Receives a request body chunk by chunk: hashes it (MD5, CRC-64) and, unless discarding, appends it to a
/// temporary file. Never holds more than one chunk.
final class BodySink {
    private(set) var count: UInt64 = 0
    private var crc = CRC64()
    private let md5 = MD5()
    private let fd: Int32
    let temporaryFile: URL?

    /// `file` nil: hash and drop (discard mode, or bodies only parsed in memory elsewhere).
    init(file: URL?) throws(OSSRequestError) {
        temporaryFile = file
        if let file {
            fd = open(file.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw OSSRequestError(500, .internalError, "cannot create \(file.lastPathComponent): errno \(errno)")
            }
        } else {
            fd = -1
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    func write(_ buffer: ByteBuffer) throws(OSSRequestError) {
        // The view is contiguous: Digests and LocalFiles read it in place, no copy.
        let bytes = buffer.readableBytesView
        crc.update(bytes)
        md5.update(bytes)
        if fd >= 0 {
            let failure = FileDescriptorWriter.writeAll(fd, bytes)
            guard failure == 0 else { throw OSSRequestError(500, .internalError, "write failed: errno \(failure)") }
        }
        count += UInt64(buffer.readableBytes)
    }

    /// Size, MD5 and CRC-64 of everything written. The sink must not be written afterwards.
    func finish() -> (size: UInt64, md5: [UInt8], crc64: UInt64) {
        (count, md5.finalize(), crc.value)
    }

    /// Removes the temporary file (after a failed or rejected upload).
    func discardFile() {
        if let temporaryFile { try? FileManager.default.removeItem(at: temporaryFile) }
    }
}
