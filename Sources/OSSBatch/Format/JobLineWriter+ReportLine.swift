extension JobLineWriter {
    /// Appends the report line of `jobs[i]` (its directory and options at `reference` in the report's tables)
    /// byte for byte as `append(JobRecord(job:reference:outcome:))` writes it, straight from where the job
    /// keeps its values: the key from its directory and name, numbers and a PutObject's ETag from their
    /// stored form. `false`, and nothing appended, when the outcome has a nested value (a callback, an
    /// error, warnings: failed jobs, few), which the encoder writes.
    ///
    /// Why: a night of 200,000 unchanged files writes 200,000 lines, and making a `JobRecord` of each (the key
    /// joined, the job copied, four numbers and the ETag as strings) cost as much as writing them (perf,
    /// 2026-12-03). `JobLineWriterTests` compares the bytes with the record's for every kind of outcome.
    ///
    /// The job is read field by field where the array keeps it: passed whole to a function (even one taking it
    /// `borrowing`, through a span or a buffer), it was copied first, its strings and options retained and
    /// released (a third of writing these lines, perf, 2026-12-03).
    static func appendReportLine(
        of jobs: [ReportJob],
        at i: Int,
        reference: JobTables.Reference,
        to bytes: inout [UInt8]
    ) -> Bool {
        let details = jobs[i].recorded.details?.fields
        guard details?.callback == nil, details?.error == nil, details?.warnings == nil else { return false }
        // The fields the line needs, out of the array before the closure that writes them: the closure took the
        // array itself along, retaining and releasing it for every line, one object for every core at once
        // (perf, 2026-12-03).
        let key = jobs[i].spec.objectKey
        let name = jobs[i].spec.location.name
        let nameDiffers = !ExactString.same(name, key.name)
        let identity = jobs[i].spec.identity
        let method = jobs[i].spec.method
        let recorded = jobs[i].recorded
        // The whole line in one reservation, written through an `OutputSpan`: an append a field checked the
        // array's uniqueness and capacity a dozen times a line (a fifth of writing a night's 200,000 lines,
        // perf, 2026-12-03). The bound holds any line: each string escaped at worst, every number at its
        // longest.
        var strings = key.utf8Count
        if nameDiffers { strings += name.utf8.count }
        if case .text(let etag)? = recorded.storedETag { strings += etag.utf8.count }
        if case .text(let crc)? = recorded.storedCRC64 { strings += crc.utf8.count }
        strings += details?.uploadID?.utf8.count ?? 0
        strings += details?.checkpoint?.utf8.count ?? 0
        strings += details?.copiedFrom?.utf8.count ?? 0
        bytes.append(addingCapacity: Self.longestLineBesideStrings + StreamingJSONEncoder.longestEscaped(strings)) {
            out in
            // Members in `JobRecord.CodingKeys` order; a report line has no `device` (its directory has it).
            put(Member.key, &out)
            out.append(quote)
            StreamingJSONEncoder.appendStringContents(key.directory, to: &out)
            StreamingJSONEncoder.appendStringContents(key.name, to: &out)
            out.append(quote)
            number(Member.dir, reference.directory, &out)
            if nameDiffers { text(Member.name, name, &out) }
            number(Member.size, identity.size, &out)
            quotedNumber(Member.mtimeNs, identity.mtimeNanoseconds, &out)
            quotedNumber(Member.inode, identity.inode, &out)
            if case .multipart(let plan) = method {
                number(Member.partSize, plan.partSize, &out)
                number(Member.partCount, plan.partCount, &out)
            }
            number(Member.options, reference.options, &out)
            text(Member.status, recorded.status.rawValue, &out)
            if let reason = recorded.reason { text(Member.reason, reason.rawValue, &out) }
            if let uploadID = details?.uploadID { text(Member.uploadID, uploadID, &out) }
            switch recorded.storedETag {
            case .md5(let high, let low)?:
                // `"\"` 32 upper-case hex digits `\""`: the text `CompactETag` reads back, as a JSON string.
                put(Member.etag, &out)
                out.append(quote)
                out.append(backslash)
                out.append(quote)
                hex(high, &out)
                hex(low, &out)
                out.append(backslash)
                out.append(quote)
                out.append(quote)
            case .text(let etag)?: text(Member.etag, etag, &out)
            case nil: break
            }
            switch recorded.storedCRC64 {
            case .number(let crc)?: quotedNumber(Member.crc64, crc, &out)
            case .text(let crc)?: text(Member.crc64, crc, &out)
            case nil: break
            }
            // Counters that are zero are left out, as `JobRecord` leaves them.
            if recorded.storedAttempts != 0 { number(Member.attempts, recorded.storedAttempts, &out) }
            if recorded.bytesSent != 0 { number(Member.bytesSent, recorded.bytesSent, &out) }
            if let partsReused = details?.partsReused { number(Member.partsReused, partsReused, &out) }
            if recorded.durationMilliseconds != 0 { number(Member.durationMs, recorded.durationMilliseconds, &out) }
            if let checkpoint = details?.checkpoint { text(Member.checkpoint, checkpoint, &out) }
            if let ctime = details?.ctimeNanoseconds { quotedNumber(Member.ctimeNs, ctime, &out) }
            if let copiedFrom = details?.copiedFrom { text(Member.copiedFrom, copiedFrom, &out) }
            out.append(UInt8(ascii: "}"))
        }
        return true
    }

    /// A line's bytes but its strings' at most: the members' names (under 300 bytes together), at most a
    /// dozen numbers of at most 20 characters and their quotes, an MD5 ETag as JSON text (38), the status and
    /// reason (under 20 each), the braces.
    private static let longestLineBesideStrings = 1_024

    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")

    /// A member's name (a literal's bytes).
    private static func put(_ member: String.UTF8View, _ out: inout OutputSpan<UInt8>) {
        // Byte by byte: a bulk copy (`memmove`) of names this short cost more (perf, 2026-12-03).
        let bytes = member.span
        for k in bytes.indices { out.append(bytes[k]) }
    }

    /// `member` and `value` as a JSON string.
    private static func text(_ member: String.UTF8View, _ value: String, _ out: inout OutputSpan<UInt8>) {
        put(member, &out)
        out.append(quote)
        StreamingJSONEncoder.appendStringContents(value, to: &out)
        out.append(quote)
    }

    /// `member` and `value` as a JSON number.
    private static func number(
        _ member: String.UTF8View,
        _ value: some FixedWidthInteger,
        _ out: inout OutputSpan<UInt8>
    ) {
        put(member, &out)
        DecimalDigits.append(value, to: &out)
    }

    /// A number a line holds as a string (it can pass 2^53): its digits never need escaping.
    private static func quotedNumber(
        _ member: String.UTF8View,
        _ value: some FixedWidthInteger,
        _ out: inout OutputSpan<UInt8>
    ) {
        put(member, &out)
        out.append(quote)
        DecimalDigits.append(value, to: &out)
        out.append(quote)
    }

    /// The 16 upper-case hex digits of `value`, the first the highest.
    private static func hex(_ value: UInt64, _ out: inout OutputSpan<UInt8>) {
        for shift in stride(from: 60, through: 0, by: -4) {
            // Computed, not looked up: a table is a shared array, retained at each use on every core.
            let digit = UInt8(truncatingIfNeeded: value >> UInt64(shift) & 0xF)
            out.append(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "A") - 10 + digit)
        }
    }
}
