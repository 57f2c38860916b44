import Foundation

extension JobLineScanner {
    /// What the fast path reads differently from `JSONDecoder` in `line`, or `nil` when it leaves the line to
    /// `JSONDecoder` or reads the very record `JSONDecoder` reads (compared as written again, so strings byte
    /// for byte). The oracle of the report fuzz target (Fuzz/ReportFuzzer) and of `JobLineScannerTests`.
    package static func disagreement(on line: ArraySlice<UInt8>) -> String? {
        guard let fast = record(line) else { return nil }
        guard let slow = try? JSONDecoder().decode(JobRecord.self, from: Data(line)) else {
            return "the fast path reads a line JSONDecoder refuses"
        }
        let encoder = StreamingJSONEncoder()
        let (read, expected) = (try? encoder.encode(fast), try? encoder.encode(slow))
        guard let read, let expected, read == expected else {
            let text = { (bytes: [UInt8]?) in bytes.map { String(decoding: $0, as: UTF8.self) } ?? "(not encodable)" }
            return "the fast path reads \(text(read)) where JSONDecoder reads \(text(expected))"
        }
        return nil
    }
}
