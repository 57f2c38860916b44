import Foundation
import OSSProtocol

/// The `--json` form of a plan: flat, snake_case, keys sorted, pretty-printed, so scripts and diffs can
/// rely on it.
///
/// Written a piece at a time: the jobs are encoded in batches, on every core, and spliced into the
/// encoded header, so a plan of 200,000 files never holds its whole JSON tree or text (one document
/// encoded whole took 670 MB and 4 s).
public struct PlanDocument {
    private let plan: Plan

    public init(_ plan: Plan) { self.plan = plan }

    private struct Totals: Encodable {
        var files: Int, bytes: Int64, singlePuts: Int, multipartJobs: Int, parts: Int
    }

    private struct Job: Encodable {
        var key: String
        var source: String
        var size: Int64
        var mtimeNs: Int64
        var inode: UInt64
        var device: UInt64
        var method: String
        var partSize: Int64?
        var partCount: Int?
        var options: ObjectOptions

        init(_ job: UploadJob) {
            key = job.key
            source = job.source
            size = job.size
            mtimeNs = job.identity.mtimeNanoseconds
            inode = job.identity.inode
            device = job.identity.device
            if case .multipart(let p) = job.method { (partSize, partCount) = (p.partSize, p.partCount) }
            method = partSize == nil ? "put" : "multipart"
            options = job.options
        }
    }

    /// Everything but the jobs (its job list is empty and filled in while writing).
    private struct Header: Encodable {
        var manifest: String
        var planId: String
        var target: Target
        var upload: UploadSettings
        var credentials: CredentialsSource?
        var allowEmpty: Bool
        var totals: Totals
        var jobs: [Job] = []
    }

    /// Jobs per batch (each batch is shared out among the cores).
    private static let batchSize = 4096

    private static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }

    /// Writes the document, ending with a newline, as a sequence of pieces to `output`.
    public func write(to output: (Data) throws -> Void) throws {
        let t = plan.totals
        let header = Header(
            manifest: plan.manifestPath,
            planId: plan.planID,
            target: plan.target,
            upload: plan.upload,
            credentials: plan.credentials,
            allowEmpty: plan.allowEmpty,
            totals: Totals(
                files: t.files,
                bytes: t.bytes,
                singlePuts: t.singlePuts,
                multipartJobs: t.multipartJobs,
                parts: t.parts
            )
        )
        let encoded = try Self.makeEncoder().encode(header)
        guard !plan.jobs.isEmpty else { return try output(encoded + Data([0x0A])) }
        // Sorted keys put "jobs" at the top level, indented by two; string values cannot hold a raw newline.
        guard let slot = encoded.range(of: Data("\n  \"jobs\" : [\n\n  ]".utf8)) else {
            let context = EncodingError.Context(
                codingPath: [],
                debugDescription: "no empty job list in the encoded header"
            )
            throw EncodingError.invalidValue(plan.jobs, context)
        }
        try output(encoded[..<slot.lowerBound] + Data("\n  \"jobs\" : [\n".utf8))
        for start in stride(from: 0, to: plan.jobs.count, by: Self.batchSize) {
            if start > 0 { try output(Data(",\n".utf8)) }
            try output(try encodeJobs(start..<min(start + Self.batchSize, plan.jobs.count)))
        }
        try output(Data("\n  ]".utf8) + encoded[slot.upperBound...] + Data([0x0A]))
    }

    /// The jobs at `positions`, as they appear inside the top-level job list: comma-separated objects
    /// indented by four, no trailing newline.
    private func encodeJobs(_ positions: Range<Int>) throws -> Data {
        let parts = DispatchQueue.ranges(splitting: positions.count).map { $0.shifted(by: positions.lowerBound) }
        let plan = plan
        let pieces = try DispatchQueue.concurrentMap(iterations: parts.count) { part in
            // An array encoded alone has its elements indented by two: two more make them the document's.
            let array = try Self.makeEncoder().encode(parts[part].map { Job(plan.jobs[$0]) })
            return Self.indented(byTwo: array.dropFirst(2).dropLast(2))
        }
        var joined = Data()
        for (n, piece) in pieces.enumerated() {
            if n > 0 { joined.append(contentsOf: ",\n".utf8) }
            joined.append(piece)  // whole pieces: `joined(separator:)` would copy a byte at a time
        }
        return joined
    }

    /// `lines` (of "[\n" … "\n]" with both brackets cut off) with two more spaces before every non-empty line.
    private static func indented(byTwo lines: Data) -> Data {
        // Through [UInt8]: appending to `Data` a byte at a time cost more than encoding the jobs.
        let bytes = [UInt8](lines)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        var atLineStart = true
        for byte in bytes {
            if atLineStart && byte != 0x0A {
                out.append(0x20)
                out.append(0x20)
            }
            out.append(byte)
            atLineStart = byte == 0x0A
        }
        return Data(out)
    }
}
