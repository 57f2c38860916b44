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
        // Members in `JobRecord.CodingKeys` order; a report line has no `device` (its directory has it).
        bytes += Member.key
        bytes.append(quote)
        StreamingJSONEncoder.appendStringContents(jobs[i].spec.objectKey.directory, to: &bytes)
        StreamingJSONEncoder.appendStringContents(jobs[i].spec.objectKey.name, to: &bytes)
        bytes.append(quote)
        number(Member.dir, reference.directory, to: &bytes)
        if jobs[i].spec.location.name != jobs[i].spec.objectKey.name {
            text(Member.name, jobs[i].spec.location.name, to: &bytes)
        }
        number(Member.size, jobs[i].spec.identity.size, to: &bytes)
        quotedNumber(Member.mtimeNs, jobs[i].spec.identity.mtimeNanoseconds, to: &bytes)
        quotedNumber(Member.inode, jobs[i].spec.identity.inode, to: &bytes)
        if case .multipart(let plan) = jobs[i].spec.method {
            number(Member.partSize, plan.partSize, to: &bytes)
            number(Member.partCount, plan.partCount, to: &bytes)
        }
        number(Member.options, reference.options, to: &bytes)
        text(Member.status, jobs[i].recorded.status.rawValue, to: &bytes)
        text(Member.reason, jobs[i].recorded.reason?.rawValue, to: &bytes)
        text(Member.uploadID, details?.uploadID, to: &bytes)
        switch jobs[i].recorded.storedETag {
        case .md5(let high, let low)?:
            // `"\"` 32 upper-case hex digits `\""`: the text `CompactETag` reads back, as a JSON string.
            // Byte by byte: an array literal is a shared object, retained at each use on every core at once.
            bytes += Member.etag
            bytes.append(quote)
            bytes.append(backslash)
            bytes.append(quote)
            hex(high, to: &bytes)
            hex(low, to: &bytes)
            bytes.append(backslash)
            bytes.append(quote)
            bytes.append(quote)
        case .text(let etag)?: text(Member.etag, etag, to: &bytes)
        case nil: break
        }
        switch jobs[i].recorded.storedCRC64 {
        case .number(let crc)?: quotedNumber(Member.crc64, crc, to: &bytes)
        case .text(let crc)?: text(Member.crc64, crc, to: &bytes)
        case nil: break
        }
        // Counters that are zero are left out, as `JobRecord` leaves them.
        if jobs[i].recorded.storedAttempts != 0 { number(Member.attempts, jobs[i].recorded.storedAttempts, to: &bytes) }
        if jobs[i].recorded.bytesSent != 0 { number(Member.bytesSent, jobs[i].recorded.bytesSent, to: &bytes) }
        number(Member.partsReused, details?.partsReused, to: &bytes)
        if jobs[i].recorded.durationMilliseconds != 0 {
            number(Member.durationMs, jobs[i].recorded.durationMilliseconds, to: &bytes)
        }
        text(Member.checkpoint, details?.checkpoint, to: &bytes)
        quotedNumber(Member.ctimeNs, details?.ctimeNanoseconds, to: &bytes)
        text(Member.copiedFrom, details?.copiedFrom, to: &bytes)
        bytes.append(UInt8(ascii: "}"))
        return true
    }

    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")

    /// A number a line holds as a string (it can pass 2^53): its digits never need escaping.
    private static func quotedNumber(_ member: String.UTF8View, _ value: (some BinaryInteger)?, to bytes: inout [UInt8])
    {
        guard let value else { return }
        bytes += member
        bytes.append(quote)
        DecimalDigits.append(value, to: &bytes)
        bytes.append(quote)
    }

    /// The 16 upper-case hex digits of `value`, the first the highest.
    private static func hex(_ value: UInt64, to bytes: inout [UInt8]) {
        // In one reservation: an append a digit checked the array's uniqueness and capacity sixteen times.
        bytes.append(addingCapacity: 16) { out in
            for shift in stride(from: 60, through: 0, by: -4) {
                // Computed, not looked up: a table is a shared array, retained at each use on every core.
                let digit = UInt8(truncatingIfNeeded: value >> UInt64(shift) & 0xF)
                out.append(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "A") - 10 + digit)
            }
        }
    }
}
