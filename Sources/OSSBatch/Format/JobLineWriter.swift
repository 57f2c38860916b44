/// Writes a job line (`JobRecord`) as `StreamingJSONEncoder` writes it, byte for byte, straight from the
/// record's members instead of through `Encodable`'s generic containers.
///
/// Why it exists: `resume` of a finished 1,000,000-job report writes the report twice (its run starting and
/// ending), and once `JobLineScanner` made reading fast, encoding the job lines was 60 % of that resume's CPU
/// (perf, 2026-12-03: `JobRecord.encode(to:)` and the containers behind it).
///
/// A record with a nested value (`callback`, `error`, `warnings`: failed jobs, few) is left to the encoder.
/// `JobLineWriterTests` compares the bytes with the encoder's for records with every member present and absent.
enum JobLineWriter {
    /// Appends the line of `record` to `bytes`; `false`, and nothing appended, when the record has a nested
    /// value.
    static func append(_ record: JobRecord, to bytes: inout [UInt8]) -> Bool {
        guard record.callback == nil, record.error == nil, record.warnings == nil else { return false }
        // Members in `JobRecord.CodingKeys` order, as the synthesized `encode(to:)` writes them, absent ones
        // left out.
        bytes.append(UInt8(ascii: "{"))
        name(.key, to: &bytes, first: true)
        StreamingJSONEncoder.appendString(record.key, to: &bytes)
        integer(.dir, record.dir, to: &bytes)
        string(.name, record.name, to: &bytes)
        integer(.size, record.size, to: &bytes)
        string(.mtimeNs, record.mtimeNs, to: &bytes)
        string(.inode, record.inode, to: &bytes)
        integer(.device, record.device, to: &bytes)
        integer(.partSize, record.partSize, to: &bytes)
        integer(.partCount, record.partCount, to: &bytes)
        integer(.options, record.options, to: &bytes)
        string(.status, record.status?.rawValue, to: &bytes)
        string(.reason, record.reason?.rawValue, to: &bytes)
        string(.uploadID, record.uploadID, to: &bytes)
        string(.etag, record.etag, to: &bytes)
        string(.crc64, record.crc64, to: &bytes)
        integer(.attempts, record.attempts, to: &bytes)
        integer(.bytesSent, record.bytesSent, to: &bytes)
        integer(.partsReused, record.partsReused, to: &bytes)
        integer(.durationMs, record.durationMs, to: &bytes)
        string(.checkpoint, record.checkpoint, to: &bytes)
        string(.ctimeNs, record.ctimeNs, to: &bytes)
        string(.copiedFrom, record.copiedFrom, to: &bytes)
        bytes.append(UInt8(ascii: "}"))
        return true
    }

    /// `,"name":` (no comma for the first member); the names are ASCII letters and underscores, never escaped.
    private static func name(_ key: JobRecord.CodingKeys, to bytes: inout [UInt8], first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        bytes += key.rawValue.utf8
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    private static func string(_ key: JobRecord.CodingKeys, _ value: String?, to bytes: inout [UInt8]) {
        guard let value else { return }
        name(key, to: &bytes)
        StreamingJSONEncoder.appendString(value, to: &bytes)
    }

    private static func integer(_ key: JobRecord.CodingKeys, _ value: (some BinaryInteger)?, to bytes: inout [UInt8]) {
        guard let value else { return }
        name(key, to: &bytes)
        DecimalDigits.append(value, to: &bytes)
    }
}
