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

    /// `,"name":` of each member (`{"key":` for the first, which opens the line), as `JobRecord.CodingKeys`
    /// names them (`JobLineWriterTests` compares every line with the encoder's). Literals: appending an array
    /// retained it, ten times a line, and the lines of a report are written on every core at once, all
    /// retaining the same arrays (perf of a night of 200,000 unchanged files, 2026-12-03: a third of writing
    /// the lines); a literal's bytes are never counted.
    enum Member {
        static var key: String.UTF8View { #"{"key":"#.utf8 }
        static var dir: String.UTF8View { #","dir":"#.utf8 }
        static var name: String.UTF8View { #","name":"#.utf8 }
        static var size: String.UTF8View { #","size":"#.utf8 }
        static var mtimeNs: String.UTF8View { #","mtime_ns":"#.utf8 }
        static var inode: String.UTF8View { #","inode":"#.utf8 }
        static var device: String.UTF8View { #","device":"#.utf8 }
        static var partSize: String.UTF8View { #","part_size":"#.utf8 }
        static var partCount: String.UTF8View { #","part_count":"#.utf8 }
        static var options: String.UTF8View { #","options":"#.utf8 }
        static var status: String.UTF8View { #","status":"#.utf8 }
        static var reason: String.UTF8View { #","reason":"#.utf8 }
        static var uploadID: String.UTF8View { #","upload_id":"#.utf8 }
        static var etag: String.UTF8View { #","etag":"#.utf8 }
        static var crc64: String.UTF8View { #","crc64":"#.utf8 }
        static var attempts: String.UTF8View { #","attempts":"#.utf8 }
        static var bytesSent: String.UTF8View { #","bytes_sent":"#.utf8 }
        static var partsReused: String.UTF8View { #","parts_reused":"#.utf8 }
        static var durationMs: String.UTF8View { #","duration_ms":"#.utf8 }
        static var checkpoint: String.UTF8View { #","checkpoint":"#.utf8 }
        static var ctimeNs: String.UTF8View { #","ctime_ns":"#.utf8 }
        static var copiedFrom: String.UTF8View { #","copied_from":"#.utf8 }
    }

    /// `member` and `value` as a JSON string; nothing when `value` is absent.
    static func text(_ member: String.UTF8View, _ value: String?, to bytes: inout [UInt8]) {
        guard let value else { return }
        bytes += member
        StreamingJSONEncoder.appendString(value, to: &bytes)
    }

    /// `member` and `value` as a JSON number; nothing when `value` is absent.
    static func number(_ member: String.UTF8View, _ value: (some BinaryInteger)?, to bytes: inout [UInt8]) {
        guard let value else { return }
        bytes += member
        DecimalDigits.append(value, to: &bytes)
    }
}
