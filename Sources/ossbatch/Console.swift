import ArgumentParser
import Foundation
import OSSBatch

/// Shared output helpers: results to stdout, diagnostics and warnings to stderr.
enum Console {
    static func print(_ text: String) { write(Data(text.utf8)) }

    /// Bytes to stdout as they are (a large document, a piece at a time).
    static func write(_ bytes: Data) { FileHandle.standardOutput.write(bytes) }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    static func warn(_ text: String) { printError("warning: \(text)") }

    /// Prints a plan's warnings (the first `ManifestError.printedLimit` of them, then how many more).
    static func printWarnings(_ warnings: [Diagnostic]) {
        guard !warnings.isEmpty else { return }
        printError(ManifestError(warnings).rendered())
    }

    /// Prints the diagnostics (the first `ManifestError.printedLimit` of them, then how many more) and
    /// returns the exit code for invalid input. Command-line problems are counted apart from the manifest's.
    static func report(_ error: ManifestError) -> ExitCode {
        printError(error.rendered())
        let flags = error.diagnostics.filter { $0.flag != nil }.count
        let manifest = error.diagnostics.count - flags
        var counts: [String] = []
        if flags > 0 { counts.append("\(flags) error\(flags == 1 ? "" : "s") on the command line") }
        if manifest > 0 { counts.append("\(manifest) error\(manifest == 1 ? "" : "s") in the manifest") }
        printError(counts.joined(separator: " and ") + "; nothing was sent")
        return ExitCode(ExitStatus.invalidInput.rawValue)
    }
}
