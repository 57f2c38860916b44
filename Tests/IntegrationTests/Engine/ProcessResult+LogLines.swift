import Foundation
import TestSupport

extension ProcessResult {
    /// stderr's text lines without the timestamp they start with when stderr is not a terminal
    /// (`2026-11-25T22:00:00.123Z info: …` → `info: …`).
    var stderrLines: [String] {
        stderr.split(separator: "\n").map { line in
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].count == 24, parts[0].hasSuffix("Z"), parts[0].dropFirst(10).first == "T" {
                return String(parts[1])
            }
            return String(line)
        }
    }

    /// stderr of a `--log-format json` run, one JSON object a line; `nil` for a line that is not one.
    var stderrRecords: [[String: Any]?] {
        stderr.split(separator: "\n").map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }
}
