import Foundation
import OSSBatch

/// Rows as left-aligned columns two spaces apart, for the tables `status` and `uploads` print (the last
/// column is not padded).
enum TextTable {
    static func render(_ rows: [[String]]) -> String {
        // A cell is one line: a newline in a key (from the server) or a path must not break the table.
        let rows = rows.map { $0.map(TerminalText.line) }
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in
            rows.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
        }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
