import Foundation
import OSSProtocol
import TestSupport
import Testing

@testable import OSSBatch

/// `JobLineScanner`, the fast reader of job lines, against `JSONDecoder`: on every line it either gives up
/// (`nil`: the line goes to `JSONDecoder`) or reads exactly the record `JSONDecoder` reads; it never accepts
/// a line `JSONDecoder` refuses, and never crashes. Lines are written by `ReportFile`/`ReportJournal` from
/// jobs with every field present and absent, then mutated at random.
@Suite struct JobLineScannerTests {
    @Test func writtenLinesReadAsJSONDecoderReadsThem() throws {
        var random = SeededRandom()
        let (lines, nested) = try Self.writtenLines(&random)
        var accepted = 0
        for (line, isNested) in zip(lines, nested) {
            let read = Self.compare(line, random)
            // Only nested values (callback, error, warnings) are left to JSONDecoder in a line as written.
            #expect(read == !isNested, "\(random): \(Self.text(line))")
            if read { accepted += 1 }
        }
        #expect(accepted > lines.count / 2)
    }

    @Test func mutatedLinesAreReadAsJSONDecoderReadsThemOrLeftToIt() throws {
        var random = SeededRandom()
        let (lines, _) = try Self.writtenLines(&random)
        var (accepted, total) = (0, 0)
        for line in lines {
            for _ in 0..<24 {
                let mutated = Self.mutate(line, &random)
                if Self.compare(mutated, random) { accepted += 1 }
                total += 1
            }
        }
        // Many mutations keep a line valid (reordered keys, whitespace, escapes): the fast path reads those.
        #expect(accepted > total / 10, "\(accepted) of \(total)")
    }

    @Test(arguments: [
        // Numbers JSON spells otherwise, or that do not fit: left to JSONDecoder.
        #"{"key":"k","size":1.0}"#, #"{"key":"k","size":1e3}"#, #"{"key":"k","size":-0}"#,
        #"{"key":"k","size":01}"#, #"{"key":"k","size":9223372036854775808}"#, #"{"key":"k","device":-1}"#,
        #"{"key":"k","attempts":null}"#, #"{"key":"k","key":"k"}"#, #"{"key":"k","extra":1}"#,
        #"{"k\u0065y":"k"}"#, #"{"key":"\ud800"}"#, #"{"key":"\udc00\ud800"}"#, #"{"key":"a\x"}"#,
        #"{"key":"k"} x"#, #"{"key":"k",}"#, #"{"key":"k""#, #"{}"#, #"[]"#, "", #"{"key":"k","status":"done"}"#,
        "{\"key\":\"a\u{1}\"}", "{\"key\":\"a\u{1F}\"}",
    ])
    func oddOrInvalidLinesAreLeftToJSONDecoder(line: String) {
        #expect(JobLineScanner.record(Array(line.utf8)[...]) == nil)
    }

    @Test func escapesAndExtremeIntegersAreRead() throws {
        let line =
            #" { "key" : "a\"\\\/\b\f\n\r\t\u00e9\u00E9\ud83d\ude00\u0000" , "size":9223372036854775807,"#
            + #""device":18446744073709551615,"dir":-9223372036854775808,"options":0 } "#
        let record = try #require(JobLineScanner.record(Array(line.utf8)[...]))
        #expect(Array(record.key.utf8) == Array("a\"\\/\u{8}\u{c}\n\r\té\u{e9}😀\u{0}".utf8))
        #expect(record.size == Int64.max && record.device == UInt64.max && record.dir == Int.min && record.options == 0)
        #expect(Self.compare(Array(line.utf8), SeededRandom(seed: 0)))
    }

    // MARK: comparing

    /// Whether the fast path read `line`; when it did, it must have read what JSONDecoder reads.
    static func compare(_ line: [UInt8], _ random: SeededRandom) -> Bool {
        #expect(JobLineScanner.disagreement(on: line[...]) == nil, "\(random): \(text(line))")
        return JobLineScanner.record(line[...]) != nil
    }

    static func text(_ line: [UInt8]) -> String { String(decoding: line, as: UTF8.self).debugDescription }

    // MARK: written lines

    static let keys = [
        "k/1", "目录/ファイル é.txt", "a\"quote\\back/slash", "tab\there\nnew\rline", "ctl\u{1}\u{1f}\u{7f}",
        "emoji 😀/x", "combining e\u{301}/n", "nul\u{0}byte", "dir/",
    ]
    static let strings: [String?] = [nil, "", "u\"id\\", "0004B9894A22E5B1888A1E29F823ABCD", "é/😀", "/cp/a b/ü.json"]
    static let etags: [String?] = [
        nil, "\"9DD4E461268C8034F5C8564E155C67A6\"", "\"9dd4e461268c8034f5c8564e155c67a6\"", "\"abc-3\"", "é",
    ]
    static let crcs: [String?] = [nil, "0", "18446744073709551615", "x"]
    static let statuses: [JobStatus] = [.pending, .succeeded, .skipped, .failed]
    static let options = [
        ObjectOptions(),
        ObjectOptions(contentType: "text/plain", metadata: [",\"status\":\"": "{\"key\":1}"], tags: ["t": "v"]),
    ]

    /// Report job lines and journal lines of jobs with every field present and absent, and for each whether
    /// it holds a nested value.
    static func writtenLines(_ random: inout SeededRandom) throws -> ([[UInt8]], [Bool]) {
        let jobs = randomJobs(&random)
        var report = Report(plan: ReportStoreTests.plan(jobs: 1, dir: "/d"), planID: "id")
        report.jobs = jobs
        var bytes: [UInt8] = []
        try ReportFile.encode(report) { bytes += $0 }
        var lines = bytes.split(separator: UInt8(ascii: "\n")).dropFirst().dropLast().map { line in
            Array(line.last == UInt8(ascii: ",") ? line.dropLast() : line)
        }
        #expect(lines.count == jobs.count)
        var nested = jobs.map { $0.outcome.callback != nil || $0.outcome.error != nil || $0.outcome.warnings != nil }
        for (i, job) in jobs.enumerated() {
            lines.append(try ReportJournal.line(job.outcome, ran: i % 2 == 0 ? job.spec : nil))
            nested.append(nested[i])
        }
        return (lines, nested)
    }

    /// 300 report jobs with every member present and absent in turn, odd keys and names, every status and
    /// reason, and nested values (a callback, an error, warnings) on every seventh.
    static func randomJobs(_ random: inout SeededRandom) -> [ReportJob] {
        var jobs: [ReportJob] = []
        for i in 0..<300 {
            let key = keys[i % keys.count] + (i < keys.count ? "" : "/\(i)")
            let multipart = Bool.random(using: &random)
            let size = [0, 1, 102_400, 5_000_000_000, Int64.max].randomElement(using: &random)!
            let identity = SourceIdentity(
                size: size,
                mtimeNanoseconds: [0, -1, 1_700_000_000_123_456_789, .min, .max].randomElement(using: &random)!,
                inode: [0, 1, .max].randomElement(using: &random)!,
                device: [0, 2049, .max].randomElement(using: &random)!
            )
            let name = Bool.random(using: &random) ? "" : "/other é \(i)"
            let spec = UploadJob(
                source: "/src/\(i % 5)/" + (name.isEmpty ? SplitPath(key).name : name),
                key: key,
                identity: identity,
                options: options.randomElement(using: &random)!,
                method: multipart ? .multipart(PartPlan(partSize: 102_400, partCount: i + 1)) : .put
            )
            let nested = i % 7 == 0
            let outcome = JobOutcome(
                key: key,
                status: statuses.randomElement(using: &random)!,
                reason: ([nil] + SkipReason.allCases).randomElement(using: &random)!,
                uploadID: strings.randomElement(using: &random)!,
                etag: etags.randomElement(using: &random)!,
                crc64: crcs.randomElement(using: &random)!,
                attempts: [0, 1, Int.max].randomElement(using: &random)!,
                bytesSent: [0, 5, Int64.max].randomElement(using: &random)!,
                partsReused: [nil, 0, 3].randomElement(using: &random)!,
                durationMilliseconds: [0, 12, Int64.max].randomElement(using: &random)!,
                callback: nested && i % 3 == 0 ? CallbackResult(status: 200, body: "{\"ok\":true}") : nil,
                checkpoint: strings.randomElement(using: &random)!,
                error: nested && i % 3 == 1 ? JobError(code: "X", message: "m \"q\"", httpStatus: 500) : nil,
                warnings: nested && i % 3 == 2 ? ["w", "ü"] : nil,
                ctimeNanoseconds: [nil, 0, -5, .max].randomElement(using: &random)!,
                copiedFrom: strings.randomElement(using: &random)!
            )
            jobs.append(ReportJob(spec: spec, outcome: outcome))
        }
        return jobs
    }

    // MARK: mutations

    /// `line` changed in one of many ways, most of which make it invalid or odd.
    static func mutate(_ line: [UInt8], _ random: inout SeededRandom) -> [UInt8] {
        var bytes = line
        let at = Int.random(in: 0...bytes.count, using: &random)
        let inside = min(at, bytes.count - 1)
        switch Int.random(in: 0..<12, using: &random) {
        case 0: bytes[inside] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &random)  // a bit flip
        case 1:  // a digit changed, added or removed
            let digits = bytes.indices.filter { bytes[$0] >= UInt8(ascii: "0") && bytes[$0] <= UInt8(ascii: "9") }
            guard let d = digits.randomElement(using: &random) else { break }
            switch Int.random(in: 0..<3, using: &random) {
            case 0: bytes[d] = UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &random)
            case 1: bytes.insert(UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &random), at: d)
            default: bytes.remove(at: d)
            }
        case 2: bytes.removeLast(bytes.count - at)  // truncated
        case 3:  // a member repeated, as it is or with another member's value
            var members = members(of: line)
            guard let member = members.randomElement(using: &random), let other = members.randomElement(using: &random)
            else { break }
            let copy = Bool.random(using: &random) ? member : name(of: member) + value(of: other)
            members.insert(copy, at: Int.random(in: 0...members.count, using: &random))
            bytes = join(members)
        case 4: bytes = join(members(of: line).shuffled(using: &random))  // keys reordered
        case 5:  // whitespace, anywhere
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let whitespace = [0x20, 0x09, 0x0A, 0x0D].randomElement(using: &random)! as UInt8
                bytes.insert(whitespace, at: Int.random(in: 0...bytes.count, using: &random))
            }
        case 6:  // an unknown or nested member
            var members = members(of: line)
            let extra = [#""zzz":1"#, #""key2":"x""#, #""warnings":[]"#, #""error":{}"#, #""callback":null"#]
            members.insert(
                Array(extra.randomElement(using: &random)!.utf8),
                at: Int.random(in: 0...members.count, using: &random)
            )
            bytes = join(members)
        case 7:  // a letter escaped as \u00XX (in a key, a value, or outside any string)
            let letters = bytes.indices.filter { bytes[$0] >= UInt8(ascii: "a") && bytes[$0] <= UInt8(ascii: "z") }
            guard let l = letters.randomElement(using: &random) else { break }
            let hex = String(bytes[l], radix: 16, uppercase: Bool.random(using: &random))
            bytes.replaceSubrange(l...l, with: Array("\\u00\(hex)".utf8))
        case 8:  // a surrogate pair, a lone or reversed surrogate, or another escape
            let escapes = [
                #"\ud83d\ude00"#, #"\uD83D\uDE00"#, #"\ud83d"#, #"\ude00\ud83d"#, #"\/"#, #"\b"#, #"\u0000"#, #"\x"#,
                #"\u12"#,
            ]
            bytes.insert(contentsOf: Array(escapes.randomElement(using: &random)!.utf8), at: at)
        case 9:  // a value replaced by another JSON value
            var members = members(of: line)
            guard !members.isEmpty else { break }
            let values = [
                "1.0", "1e2", "-0", "00", "-1", "99999999999999999999", "null", "true", "\"s\"", "\"\"", "{}", "[1]",
                "0",
            ]
            let m = Int.random(in: 0..<members.count, using: &random)
            members[m] = name(of: members[m]) + Array(values.randomElement(using: &random)!.utf8)
            bytes = join(members)
        case 10:  // bytes that are not UTF-8, or a raw control character
            bytes.insert([0xFF, 0xC3, 0x80, 0xED, 0x01, 0x7F].randomElement(using: &random)!, at: at)
        default:  // a byte removed
            if !bytes.isEmpty { bytes.remove(at: inside) }
        }
        return bytes
    }

    /// The members of a line's top-level object (text between commas outside strings and nesting).
    static func members(of line: [UInt8]) -> [[UInt8]] {
        guard line.first == UInt8(ascii: "{"), line.last == UInt8(ascii: "}") else { return [] }
        var (members, current, depth, inString, escaped) = ([[UInt8]](), [UInt8](), 0, false, false)
        for byte in line.dropFirst().dropLast() {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                depth += 1
            } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                depth -= 1
            } else if byte == UInt8(ascii: ","), depth == 0 {
                members.append(current)
                current = []
                continue
            }
            current.append(byte)
        }
        return current.isEmpty ? members : members + [current]
    }

    /// `"name":` of a member (up to its first colon after the name's closing quote).
    static func name(of member: [UInt8]) -> [UInt8] {
        var escaped = false
        for (i, byte) in member.enumerated().dropFirst() {
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "\"") {
                return Array(member[...min(i + 1, member.count - 1)])
            }
        }
        return member
    }

    static func value(of member: [UInt8]) -> [UInt8] { Array(member.dropFirst(name(of: member).count)) }

    static func join(_ members: [[UInt8]]) -> [UInt8] {
        [UInt8(ascii: "{")] + Array(members.joined(separator: [UInt8(ascii: ",")])) + [UInt8(ascii: "}")]
    }
}
