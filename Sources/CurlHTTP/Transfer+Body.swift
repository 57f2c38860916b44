import CCurl
import Digests

#if canImport(Glibc)
import Glibc
#endif

extension Transfer {
    /// Fills curl's upload buffer with the next body bytes: `pread` straight into `buffer` for files
    /// (one copy, no intermediate buffer), hashing the same bytes. Returns the count, 0 at the end,
    /// or one of curl's pause/abort codes.
    func readBody(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let remaining = bodyLength - position
        guard remaining > 0, let base = buffer.baseAddress else { return 0 }
        let wanted = meter.grant(min(Int64(buffer.count), remaining), to: self)
        guard wanted > 0 else {
            // Queued once: curl does not call a paused transfer's read callback, but a queue that held it twice
            // would let it go twice.
            if !isPaused { meter.paused.append(self) }
            isPaused = true
            return CCURL_READFUNC_PAUSE
        }
        let count: Int
        if bodyIsFile {
            count = readFile(into: base, count: Int(wanted))
            guard count > 0 else { return CCURL_READFUNC_ABORT }
        } else {
            count = Int(wanted)
            bodyBytes.withUnsafeBytes { source in
                // Both ranges are in bounds: position + count <= bodyLength == source.count, count <= buffer.count.
                base.copyMemory(from: source.baseAddress! + Int(position), byteCount: count)
            }
        }
        let sent = UnsafeRawBufferPointer(start: base, count: count)
        crc.update(sent)
        md5?.update(sent)
        position += Int64(count)
        meter.record(Int64(count))
        return count
    }

    /// `pread` of up to `count` bytes at the cursor into curl's buffer; 0 on failure (recorded).
    private func readFile(into base: UnsafeMutableRawPointer, count: Int) -> Int {
        while true {
            // `base` points to curl's upload buffer, valid for `count` bytes during this callback.
            let n = pread(bodyDescriptor, base, count, off_t(bodyOffset + position))
            if n > 0 { return n }
            if n == 0 {
                bodyReadFailure =
                    "file ended \(bodyLength - position) bytes before the body's end (offset \(bodyOffset + position))"
                return 0
            }
            let code = errno
            if code == EINTR { continue }
            bodyReadFailure =
                "pread(fd \(bodyDescriptor), offset \(bodyOffset + position)): \(String(cString: strerror(code)))"
            return 0
        }
    }

    /// curl rewinds the body to resend it (a reused connection died, a redirect, auth): restart the cursor
    /// and the hashes so they describe exactly the one complete send that produced the response.
    func rewindBody(to offset: Int64) -> Int32 {
        guard offset == 0 else { return Int32(CCURL_SEEKFUNC_FAIL) }
        position = 0
        crc = CRC64()
        if md5 != nil { md5 = MD5() }
        return Int32(CCURL_SEEKFUNC_OK)
    }
}
