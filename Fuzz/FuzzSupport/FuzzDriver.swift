import CFuzzerDriver
import Foundation

/// The entry point of a fuzz target (`Fuzz/*Fuzzer`).
///
/// Built by `scripts/fuzz.sh` (`-sanitize=fuzzer,address -DOSSBATCH_FUZZING`), `main` hands the command line
/// to libFuzzer, which calls the target with inputs of its own making, guided by coverage, until it crashes or
/// its time is up. In an ordinary build the same program replays the files (and the files in the
/// directories) named on its command line — a corpus, or a crash to debug — so every saved input stays a
/// test (`FuzzCorpusTests`).
public enum FuzzDriver {
    /// What libFuzzer's callback runs; set once by `main`, before libFuzzer starts, on the main thread.
    nonisolated(unsafe) static var target: ([UInt8]) -> Void = { _ in }

    public static func main(_ target: @escaping ([UInt8]) -> Void) -> Never {
        Self.target = target
        #if OSSBATCH_FUZZING
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzerTestOneInput))
        #else
        var replayed = 0
        for path in CommandLine.arguments.dropFirst() {
            for file in inputs(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    FileHandle.standardError.write(Data("cannot read \(file)\n".utf8))
                    exit(2)
                }
                target(Array(data))
                replayed += 1
            }
        }
        print("\(replayed) inputs replayed without a crash")
        // No input at all is a mistake (a wrong path), not a pass.
        exit(replayed > 0 ? 0 : 2)
        #endif
    }

    /// The file at `path`, or the files in the directory at `path` (not below it), sorted.
    private static func inputs(at path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [path] }
        guard isDirectory.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { path + "/" + $0 }.filter {
            var nested: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &nested) && !nested.boolValue
        }
    }
}

/// libFuzzer's callback (also the symbol its runtime looks for). The buffer is libFuzzer's, valid during this
/// call only: it is copied into an array before anything else sees it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzDriver.target(bytes)
    return 0
}
