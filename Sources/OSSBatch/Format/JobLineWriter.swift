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
        text(Member.key, record.key, to: &bytes)
        number(Member.dir, record.dir, to: &bytes)
        text(Member.name, record.name, to: &bytes)
        number(Member.size, record.size, to: &bytes)
        text(Member.mtimeNs, record.mtimeNs, to: &bytes)
        text(Member.inode, record.inode, to: &bytes)
        number(Member.device, record.device, to: &bytes)
        number(Member.partSize, record.partSize, to: &bytes)
        number(Member.partCount, record.partCount, to: &bytes)
        number(Member.options, record.options, to: &bytes)
        text(Member.status, record.status?.rawValue, to: &bytes)
        text(Member.reason, record.reason?.rawValue, to: &bytes)
        text(Member.uploadID, record.uploadID, to: &bytes)
        text(Member.etag, record.etag, to: &bytes)
        text(Member.crc64, record.crc64, to: &bytes)
        number(Member.attempts, record.attempts, to: &bytes)
        number(Member.bytesSent, record.bytesSent, to: &bytes)
        number(Member.partsReused, record.partsReused, to: &bytes)
        number(Member.durationMs, record.durationMs, to: &bytes)
        text(Member.checkpoint, record.checkpoint, to: &bytes)
        text(Member.ctimeNs, record.ctimeNs, to: &bytes)
        text(Member.copiedFrom, record.copiedFrom, to: &bytes)
        bytes.append(UInt8(ascii: "}"))
        return true
    }

    /// `,"name":` of each member, made once (`{"key":` for the first, which opens the line).
    enum Member {
        static let key = Array(#"{"key":"#.utf8)
        static let dir = member(.dir)
        static let name = member(.name)
        static let size = member(.size)
        static let mtimeNs = member(.mtimeNs)
        static let inode = member(.inode)
        static let device = member(.device)
        static let partSize = member(.partSize)
        static let partCount = member(.partCount)
        static let options = member(.options)
        static let status = member(.status)
        static let reason = member(.reason)
        static let uploadID = member(.uploadID)
        static let etag = member(.etag)
        static let crc64 = member(.crc64)
        static let attempts = member(.attempts)
        static let bytesSent = member(.bytesSent)
        static let partsReused = member(.partsReused)
        static let durationMs = member(.durationMs)
        static let checkpoint = member(.checkpoint)
        static let ctimeNs = member(.ctimeNs)
        static let copiedFrom = member(.copiedFrom)

        // The names are ASCII letters and underscores, never escaped.
        private static func member(_ key: JobRecord.CodingKeys) -> [UInt8] { Array(",\"\(key.rawValue)\":".utf8) }
    }

    /// `member` and `value` as a JSON string; nothing when `value` is absent.
    static func text(_ member: [UInt8], _ value: String?, to bytes: inout [UInt8]) {
        guard let value else { return }
        bytes += member
        StreamingJSONEncoder.appendString(value, to: &bytes)
    }

    /// `member` and `value` as a JSON number; nothing when `value` is absent.
    static func number(_ member: [UInt8], _ value: (some BinaryInteger)?, to bytes: inout [UInt8]) {
        guard let value else { return }
        bytes += member
        DecimalDigits.append(value, to: &bytes)
    }
}
