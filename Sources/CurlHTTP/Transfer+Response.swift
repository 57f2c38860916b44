extension Transfer {
    /// One header line from curl (status line, `Name: value`, or the blank line ending the block).
    func receiveHeaderLine(_ line: UnsafeRawBufferPointer) {
        var end = line.count
        while end > 0, line[end - 1] == 0x0A || line[end - 1] == 0x0D { end -= 1 }
        guard end > 0 else { return }
        let bytes = UnsafeRawBufferPointer(rebasing: line[0..<end])
        if end >= 5, bytes.starts(with: "HTTP/".utf8) {
            // A new status line (after 100 Continue, a redirect, or a resend): only the last block counts.
            headers.removeAll(keepingCapacity: true)
            responseBody.removeAll(keepingCapacity: true)
            return
        }
        guard let colon = bytes.firstIndex(of: 0x3A) else { return }
        let name = String(decoding: bytes[0..<colon], as: UTF8.self)
        var start = colon + 1
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        var stop = end
        while stop > start, bytes[stop - 1] == 0x20 || bytes[stop - 1] == 0x09 { stop -= 1 }
        let value = String(decoding: bytes[start..<stop], as: UTF8.self)
        headers.append((name: name, value: value))
    }

    /// Keeps a chunk of the response body; false (curl then aborts the transfer) once the body would go
    /// past `responseLimit`.
    func receiveBody(_ chunk: UnsafeRawBufferPointer) -> Bool {
        guard chunk.count <= responseLimit - responseBody.count else {
            responseTooLarge = true
            return false
        }
        responseBody.append(contentsOf: chunk)
        return true
    }
}
