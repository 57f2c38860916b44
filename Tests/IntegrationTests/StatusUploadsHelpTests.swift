import Foundation
import TestSupport
import Testing

/// `--help` of `status` and `uploads` ends with examples, and the generated shell completions offer both
/// commands, report files for `status` and manifests for `uploads`.
@Suite struct StatusUploadsHelpTests {
    static func ossbatch(_ arguments: [String]) async throws -> ProcessResult {
        await (try RunningProcess(Products.url("ossbatch"), arguments)).wait()
    }

    @Test(arguments: ["status", "uploads"])
    func helpEndsWithExamples(command: String) async throws {
        let help = try await Self.ossbatch([command, "--help"])
        #expect(help.exitCode == 0)
        let examples = try #require(help.stdout.range(of: "\nEXAMPLES:\n"), "\(help.stdout)")
        let lines = help.stdout[examples.upperBound...].split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("  ossbatch \(command)") })
        #expect(lines.allSatisfy { $0.hasPrefix("  # ") || $0.hasPrefix("  ossbatch ") })
    }

    @Test func bashCompletionOffersBothCommandsWithReportAndManifestFiles() async throws {
        let script = try await Self.ossbatch(["--generate-completion-script", "bash"])
        #expect(script.exitCode == 0)
        for word in ["status", "uploads", "--older-than", "--abort", "--parts"] {
            #expect(script.stdout.contains(word), "\(word)")
        }
        let fish = try await Self.ossbatch(["--generate-completion-script", "fish"])
        let statusLines = fish.stdout.split(separator: "\n").filter { $0.contains("status") && $0.contains("json") }
        #expect(!statusLines.isEmpty, "status completes *.json reports")
        let uploadsLines = fish.stdout.split(separator: "\n").filter { $0.contains("uploads") && $0.contains("yaml") }
        #expect(!uploadsLines.isEmpty, "uploads completes *.yaml manifests")
    }
}
