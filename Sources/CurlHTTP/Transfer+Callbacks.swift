import CCurl

// curl's C callbacks. Each receives the `Transfer` as an unretained opaque pointer (READDATA, SEEKDATA,
// HEADERDATA, WRITEDATA). That is safe because the driver keeps the transfer in its `active` table, a
// strong reference, from before the handle joins the multi handle until after it has been removed, and
// curl only calls back from inside `curl_multi_perform` on the driver thread while the handle is attached.

extension Transfer {
    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ pointer: UnsafeMutableRawPointer) -> Transfer {
        Unmanaged<Transfer>.fromOpaque(pointer).takeUnretainedValue()
    }
}

enum CurlCallbacks {
    static let read: curl_read_callback = { buffer, size, count, context in
        guard let buffer, let context else { return CCURL_READFUNC_ABORT }
        // curl guarantees `buffer` holds size * count writable bytes for the duration of the call.
        return Transfer.from(context).readBody(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
    }

    static let seek: curl_seek_callback = { context, offset, _ in
        guard let context else { return Int32(CCURL_SEEKFUNC_FAIL) }
        return Transfer.from(context).rewindBody(to: Int64(offset))
    }

    static let header: curl_write_callback = { buffer, size, count, context in
        guard let buffer, let context else { return 0 }
        // `buffer` holds size * count readable bytes (one header line, not NUL-terminated) during the call.
        Transfer.from(context).receiveHeaderLine(UnsafeRawBufferPointer(start: buffer, count: size * count))
        return size * count
    }

    static let write: curl_write_callback = { buffer, size, count, context in
        guard let buffer, let context else { return 0 }
        // `buffer` holds size * count readable body bytes during the call. Returning less than that aborts
        // the transfer (CURLE_WRITE_ERROR).
        guard Transfer.from(context).receiveBody(UnsafeRawBufferPointer(start: buffer, count: size * count)) else {
            return 0
        }
        return size * count
    }
}
