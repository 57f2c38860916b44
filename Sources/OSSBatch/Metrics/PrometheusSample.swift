/// One sample line of the Prometheus text exposition format (`name{label="value",…} value [timestamp]`):
/// enough of a reader to take values back from a metrics file ossbatch wrote. Comments and blank lines are
/// skipped; anything else that is not a sample is an error, never a crash.
struct PrometheusSample: Sendable, Hashable {
    var name: String
    var labels: [String: String]
    var value: Double

    struct ParseError: Error, CustomStringConvertible {
        var line: Int
        var reason: String
        var description: String { "line \(line): \(reason)" }
    }

    static func parse(_ text: String) throws(ParseError) -> [PrometheusSample] {
        var samples: [PrometheusSample] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.first == "#" { continue }
            do throws(Reason) {
                samples.append(try PrometheusSample(line: Array(trimmed.utf8)))
            } catch {
                throw ParseError(line: index + 1, reason: error.text)
            }
        }
        return samples
    }

    private struct Reason: Error {
        var text: String
    }

    private init(line: [UInt8]) throws(Reason) {
        var i = 0
        func isNameByte(_ b: UInt8) -> Bool {
            (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x3A
        }
        while i < line.count, isNameByte(line[i]) { i += 1 }
        guard i > 0 else { throw Reason(text: "not a metric name") }
        name = String(decoding: line[0..<i], as: UTF8.self)
        labels = [:]
        if i < line.count, line[i] == UInt8(ascii: "{") {
            i += 1
            while i < line.count, line[i] != UInt8(ascii: "}") {
                let start = i
                while i < line.count, isNameByte(line[i]) { i += 1 }
                let label = String(decoding: line[start..<i], as: UTF8.self)
                guard !label.isEmpty, i + 1 < line.count, line[i] == UInt8(ascii: "="),
                    line[i + 1] == UInt8(ascii: "\"")
                else { throw Reason(text: "a label is not name=\"value\"") }
                i += 2
                var value: [UInt8] = []
                while i < line.count, line[i] != UInt8(ascii: "\"") {
                    if line[i] == UInt8(ascii: "\\"), i + 1 < line.count {
                        i += 1
                        value.append(line[i] == UInt8(ascii: "n") ? UInt8(ascii: "\n") : line[i])
                    } else {
                        value.append(line[i])
                    }
                    i += 1
                }
                guard i < line.count else { throw Reason(text: "a label value has no closing quote") }
                i += 1
                labels[label] = String(decoding: value, as: UTF8.self)
                if i < line.count, line[i] == UInt8(ascii: ",") { i += 1 }
            }
            guard i < line.count else { throw Reason(text: "the labels have no closing brace") }
            i += 1
        }
        let rest = String(decoding: line[i...], as: UTF8.self).split(separator: " ", omittingEmptySubsequences: true)
        guard rest.count == 1 || rest.count == 2 else { throw Reason(text: "expected a value and at most a timestamp") }
        guard let number = Double(rest[0]) else { throw Reason(text: "'\(rest[0])' is not a number") }
        value = number
    }
}
