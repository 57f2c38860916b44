import Foundation
import FuzzSupport
import OSSBatch

/// Fuzzes the report loader, `ReportStore.load`: the report (format 2 or 1, laid out a job a line or
/// reformatted) with its journal folded in. An input is the report's bytes, then — after a line
/// `\0JOURNAL\0` — the journal's. A file that loads must also write back and load again as the same report:
/// what `resume` reads it writes. Anything else must be an error, never a crash. Every line is also read by
/// the fast reader of job lines, which must read it as `JSONDecoder` does or leave it to `JSONDecoder`.
@main
struct ReportFuzzer {
    static let separator = Array("\n\u{0}JOURNAL\u{0}\n".utf8)

    static func main() {
        let sandbox = FuzzSandbox.shared
        FuzzDriver.main { bytes in
            let (report, journal) = split(bytes)
            checkFastReader(report + (journal ?? []))
            let path = sandbox.write(report, to: "report.json")
            if let journal {
                sandbox.write(journal, to: "report.json.journal")
            } else {
                sandbox.remove("report.json.journal")
            }
            guard let loaded = try? ReportStore.load(path) else { return }
            let copy = sandbox.path + "/copy.json"
            do {
                try ReportStore.create(at: copy).write(loaded)
            } catch {
                return  // refused to be written (a clear error), which `resume` reports as such
            }
            let reloaded: Report
            do {
                reloaded = try ReportStore.load(copy)
            } catch {
                fatalError("a report written from a loaded one does not load: \(error)")
            }
            if summary(reloaded) != summary(loaded) {
                fatalError("a report does not read back as it was written:\n\(summary(loaded))\n\(summary(reloaded))")
            }
            if let n = loaded.jobs.indices.first(where: {
                reloaded.jobs.indices.contains($0) ? reloaded.jobs[$0] != loaded.jobs[$0] : true
            }) {
                let again = reloaded.jobs.indices.contains(n) ? "\(reloaded.jobs[n])" : "nothing"
                fatalError("job \(n) of a report does not read back as it was written:\n\(loaded.jobs[n])\n\(again)")
            }
            if reloaded.jobs.count != loaded.jobs.count { fatalError("a report read back has more jobs than written") }
        }
    }

    /// The report's bytes and, after the separator, the journal's.
    static func split(_ bytes: [UInt8]) -> ([UInt8], [UInt8]?) {
        guard bytes.count >= separator.count else { return (bytes, nil) }
        for start in 0...(bytes.count - separator.count)
        where bytes[start..<(start + separator.count)].elementsEqual(separator) {
            return (Array(bytes[..<start]), Array(bytes[(start + separator.count)...]))
        }
        return (bytes, nil)
    }

    /// `JobLineScanner` on every line, without a report line's comma.
    static func checkFastReader(_ bytes: [UInt8]) {
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            let line = line.last == UInt8(ascii: ",") ? line.dropLast() : line
            if let problem = JobLineScanner.disagreement(on: line) {
                fatalError("\(problem) in \(String(decoding: line, as: UTF8.self).debugDescription)")
            }
        }
    }

    /// Every member but the jobs.
    static func summary(_ r: Report) -> String {
        "\(r.status) \(r.planID) \(r.manifest) \(r.target) \(r.upload) \(String(describing: r.credentials)) "
            + "\(r.allowEmpty) \(r.createdAt) \(r.updatedAt) \(r.totals) \(String(describing: r.fatalError)) \(r.runs)"
    }
}
