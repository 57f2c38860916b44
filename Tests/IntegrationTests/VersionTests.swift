import Foundation
import TestSupport
import Testing

/// `--version` of the built binaries (VERSION and the git commit, stamped by the VersionStamp plugin), and
/// the stamp script on its own where there is no git.
@Suite struct VersionTests {
    /// The package's root directory (this file is Tests/IntegrationTests/VersionTests.swift).
    static let packageDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var versionNumber: String {
        get throws {
            let text = try String(contentsOf: packageDirectory.appendingPathComponent("VERSION"), encoding: .utf8)
            return text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        }
    }

    /// `git rev-parse --short=7 HEAD` of the package, or nil without git or outside a work tree.
    static func gitCommit() async throws -> String? {
        let result = try await ProcessRunner.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["git", "-C", packageDirectory.path, "rev-parse", "--short=7", "HEAD"]
        )
        guard result.exitCode == 0 else { return nil }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(arguments: ["ossbatch", "local-oss"])
    func versionIsTheVersionFileAndTheCommitTheBinaryWasBuiltFrom(product: String) async throws {
        let result = try await ProcessRunner.run(Products.url(product), ["--version"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let printed = result.stdout.trimmingCharacters(in: .newlines)
        let number = try Self.versionNumber
        #expect(number.first?.isNumber == true)
        if let commit = try await Self.gitCommit() {
            // "-dirty" when built from a tree with local changes (a developer's; never CI's clean clone).
            #expect(
                printed == "\(product) \(number) (commit \(commit))"
                    || printed == "\(product) \(number) (commit \(commit)-dirty)",
                "\(printed) — HEAD is \(commit); a binary older than HEAD needs `swift build` (`swift test` alone does not relink it)"
            )
        } else {
            #expect(printed == "\(product) \(number) (commit unknown)")
        }
    }

    /// Runs the stamp script on a copy of VERSION and the script in `directory` and returns what it wrote.
    private func stamp(in directory: TemporaryDirectory, path: String? = nil) async throws -> String {
        let package = directory.url.appendingPathComponent("package")
        try FileManager.default.createDirectory(
            at: package.appendingPathComponent("scripts"),
            withIntermediateDirectories: true
        )
        for file in ["VERSION", "scripts/version-stamp.sh"] {
            try FileManager.default.copyItem(
                at: Self.packageDirectory.appendingPathComponent(file),
                to: package.appendingPathComponent(file)
            )
        }
        let output = directory.url.appendingPathComponent("BuildVersion.swift")
        let result = try await ProcessRunner.run(
            URL(fileURLWithPath: "/bin/sh"),
            [package.appendingPathComponent("scripts/version-stamp.sh").path, package.path, output.path],
            environment: path.map { ["PATH": $0] } ?? [:]
        )
        #expect(result.exitCode == 0, "\(result.stderr)")
        return try String(contentsOf: output, encoding: .utf8)
    }

    @Test func withoutGitHistoryTheCommitIsUnknown() async throws {
        let dir = try TemporaryDirectory("stamp")
        defer { dir.remove() }
        let text = try await stamp(in: dir)
        #expect(text.contains("static let number = \"\(try Self.versionNumber)\""))
        #expect(text.contains("static let commit = \"unknown\""))
    }

    @Test func aTarballUnpackedInsideAnotherRepositoryDoesNotTakeItsCommit() async throws {
        let dir = try TemporaryDirectory("stamp")
        defer { dir.remove() }
        // An outer repository with a commit, so its HEAD resolves from inside the unpacked tree.
        for arguments in [
            ["init", "-q", dir.path],
            [
                "-C", dir.path, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty",
                "-m", "outer",
            ],
        ] {
            let git = try await ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["git"] + arguments)
            try #require(git.exitCode == 0, "\(git.stderr)")
        }
        await #expect(try stamp(in: dir).contains("static let commit = \"unknown\""))
    }

    @Test func withoutAGitProgramTheCommitIsUnknown() async throws {
        let dir = try TemporaryDirectory("stamp")
        defer { dir.remove() }
        // A PATH with the script's tools but no git.
        let bin = dir.url.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        for tool in ["cat", "mv"] {
            let which = try await ProcessRunner.run(URL(fileURLWithPath: "/bin/sh"), ["-c", "command -v \(tool)"])
            let target = which.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            try FileManager.default.createSymbolicLink(
                atPath: bin.appendingPathComponent(tool).path,
                withDestinationPath: target
            )
        }
        await #expect(try stamp(in: dir, path: bin.path).contains("static let commit = \"unknown\""))
    }

    @Test func anUnchangedStampLeavesTheFileUntouchedSoNothingRecompiles() async throws {
        let dir = try TemporaryDirectory("stamp")
        defer { dir.remove() }
        let output = dir.url.appendingPathComponent("BuildVersion.swift")
        let first = try await stamp(in: dir)
        let old = Date(timeIntervalSince1970: 1_000_000)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: output.path)
        try FileManager.default.removeItem(at: dir.url.appendingPathComponent("package"))
        await #expect(try stamp(in: dir) == first)
        let modified = try FileManager.default.attributesOfItem(atPath: output.path)[.modificationDate] as? Date
        #expect(modified == old)
    }
}
