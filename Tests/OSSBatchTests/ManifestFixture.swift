import Foundation
import OSSBatch
import TestSupport

/// A manifest written into a fresh temporary directory, with data files beside it.
struct ManifestFixture {
    let directory: TemporaryDirectory
    let manifestPath: String

    /// The target every fixture uses unless a test writes its own.
    static let target = """
        version: 1
        target:
          endpoint: http://127.0.0.1:9000
          bucket: test-bucket
          region: local

        """

    init(_ yaml: String, files: [String: String] = ["data/a.txt": "alpha\n", "data/b.txt": "beta\n"]) throws {
        directory = try TemporaryDirectory("plan")
        for (path, contents) in files { try directory.write(path, contents) }
        manifestPath = try directory.write("manifest.yaml", yaml).path
    }

    func plan(_ overrides: TargetOverrides = .none) throws(ManifestError) -> Plan {
        try Planner.plan(manifestAt: manifestPath, overrides: overrides)
    }

    /// The diagnostics planning produced (empty when it succeeded).
    func diagnostics(_ overrides: TargetOverrides = .none) -> [Diagnostic] {
        do {
            _ = try plan(overrides)
            return []
        } catch {
            return error.diagnostics
        }
    }

    func path(_ relative: String) -> String { directory.path + "/" + relative }
    func remove() { directory.remove() }
}

/// `(line, column)` of each diagnostic, for exact-position assertions.
func positions(_ diagnostics: [Diagnostic]) -> [Position] {
    diagnostics.map { Position(line: $0.line, column: $0.column) }
}

struct Position: Equatable, CustomStringConvertible {
    var line: Int?
    var column: Int?
    var description: String { "\(line.map(String.init) ?? "-"):\(column.map(String.init) ?? "-")" }
}

func at(_ line: Int, _ column: Int) -> Position { Position(line: line, column: column) }
