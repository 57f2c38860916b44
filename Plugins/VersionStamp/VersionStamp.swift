import Foundation
import PackagePlugin

/// Gives a target `BuildVersion.number` (from VERSION) and `BuildVersion.commit` (from git, or "unknown"),
/// by running scripts/version-stamp.sh before every build. A prebuild command rather than a build command:
/// the commit changes without any input file SwiftPM could watch (HEAD, refs, packed refs, worktrees), and
/// the script is cheap and leaves its output untouched when nothing changed.
@main
struct VersionStamp: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let package = context.package.directoryURL
        let output = context.pluginWorkDirectoryURL.appending(path: "Generated")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        return [
            .prebuildCommand(
                displayName: "Stamping \(target.name) with VERSION and the git commit",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [
                    package.appending(path: "scripts/version-stamp.sh").path,
                    package.path,
                    output.appending(path: "BuildVersion.swift").path,
                ],
                outputFilesDirectory: output
            )
        ]
    }
}
