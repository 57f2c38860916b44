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

    /// Prints every diagnostic at once and returns the exit code for an invalid manifest.
    static func report(_ error: ManifestError) -> ExitCode {
        printError(error.description)
        let count = error.diagnostics.count
        printError("\(count) error\(count == 1 ? "" : "s") in the manifest; nothing was sent")
        return ExitCode(ExitStatus.invalidInput.rawValue)
    }
}
