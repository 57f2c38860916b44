import Foundation
import TestSupport
import Testing

/// `--help` of every command ends with examples; shell completion offers manifests, reports and the values
/// of enum options.
@Suite struct HelpCommandTests {
    let ossbatch = Products.url("ossbatch")
    static let commands = ["plan", "run", "resume", "abort"]

    /// The lines after `EXAMPLES:` in what `ossbatch ARGUMENTS` prints: it exits 0, has one such section, and
    /// the section begins with a comment line.
    func examples(_ arguments: [String]) async throws -> [Substring] {
        let result = try await ProcessRunner.run(ossbatch, arguments, environment: ["COLUMNS": "100"])
        #expect(result.exitCode == 0)
        let sections = result.stdout.components(separatedBy: "\n\nEXAMPLES:\n")
        #expect(sections.count == 2, "\(result.stdout)")
        let examples = sections.last?.split(separator: "\n", omittingEmptySubsequences: false) ?? []
        #expect(examples.first?.hasPrefix("  # ") == true)
        return examples
    }

    @Test(
        arguments: commands.map { [$0, "--help"] } + commands.map { ["help", $0] } + [
            ["--help"], ["help"], ["run", "-h"],
        ]
    )
    func helpEndsWithExamples(arguments: [String]) async throws {
        // Nothing after the examples but the examples: comment lines, command lines, blank lines between.
        let examples = try await self.examples(arguments)
        #expect(examples.last == "")
        let named = arguments.first { Self.commands.contains($0) }
        for line in examples where line.hasPrefix("  ") && !line.hasPrefix("  # ") {
            #expect(line.contains("ossbatch \(named ?? "")"), "\(line)")
        }
    }

    /// A subcommand's own subcommands (`index prune`, `report merge`) end with their examples too, however
    /// the help is asked for; the group's help (`index --help`) shows its subcommand's.
    @Test(
        arguments: [
            (["index", "prune", "--help"], "index prune"), (["help", "index", "prune"], "index prune"),
            (["index", "prune", "m.yaml", "--older-than-days", "30", "-h"], "index prune"),
            (["index", "--help"], "index prune"), (["report", "merge", "--help"], "report merge"),
            (["help", "report", "merge"], "report merge"), (["report", "--help"], "report merge"),
        ]
    )
    func nestedSubcommandHelpEndsWithItsExamples(arguments: [String], command: String) async throws {
        let examples = try await self.examples(arguments)
        let commands = examples.filter { $0.hasPrefix("  ") && !$0.hasPrefix("  # ") }
        #expect(!commands.isEmpty)
        for line in commands { #expect(line.hasPrefix("  ossbatch \(command) "), "\(line)") }
    }

    @Test func statusHelpNamesEveryStatus() async throws {
        let result = try await ProcessRunner.run(ossbatch, ["status", "--help"], environment: ["COLUMNS": "300"])
        #expect(result.exitCode == 0)
        for status in ["running", "crashed", "interrupted", "failed", "fatal", "succeeded", "aborted", "incomplete"] {
            #expect(result.stdout.contains(status), "\(status)")
        }
    }

    @Test func usageErrorsStillPrintNoExamples() async throws {
        let result = try await ProcessRunner.run(ossbatch, ["run", "--no-such-flag"])
        #expect(result.exitCode == 2)
        #expect(!result.stderr.contains("EXAMPLES"))
        #expect(!result.stdout.contains("EXAMPLES"))
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptsCompleteFilesAndEnumValues(shell: String) async throws {
        let result = try await ProcessRunner.run(ossbatch, ["--generate-completion-script", shell])
        #expect(result.exitCode == 0)
        let script = result.stdout
        for word in ["yaml", "yml", "json"] { #expect(script.contains(word), "\(shell): \(word)") }
        for level in ["trace", "debug", "info", "notice", "warning", "error", "critical"] {
            #expect(script.contains(level), "\(shell): --log-level \(level)")
        }
        #expect(script.contains("text"))
        #expect(script.contains("upload.concurrency="), "\(shell): --set paths")
    }

    @Test func bashCompletesManifestsAndReportsByExtension() async throws {
        let script = try await ProcessRunner.run(ossbatch, ["--generate-completion-script", "bash"]).stdout
        #expect(script.contains("-fX '!*.@(yaml|yml)'"))
        #expect(script.contains("-fX '!*.@(json)'"))
        #expect(script.contains("-W 'text'$'\\n''json'"))
    }
}
