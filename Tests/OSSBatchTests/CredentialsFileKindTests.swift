import Glibc
import OSSBatch
import TestSupport
import Testing

/// Issue 14 item 9: a credentials "file" that is not a regular file is named for what it is, before any
/// advice about its mode (a directory's 0755 is no reason to chmod 600 it).
@Suite struct CredentialsFileKindTests {
    private func message(_ path: String) -> String? {
        do {
            _ = try CredentialsResolver(commandLineFile: path, manifestSource: nil, environment: [:]).resolve()
            return nil
        } catch {
            return error.message
        }
    }

    @Test func aDirectoryIsNotARegularFile() throws {
        let dir = try TemporaryDirectory("creds-kind")
        defer { dir.remove() }
        #expect(chmod(dir.path, 0o755) == 0)
        #expect(message(dir.path) == "credentials file \(dir.path) is not a regular file (it is a directory)")
    }

    @Test func aFIFOIsNotARegularFile() throws {
        let dir = try TemporaryDirectory("creds-kind")
        defer { dir.remove() }
        #expect(mkfifo(dir.path + "/pipe", 0o600) == 0)
        #expect(message(dir.path + "/pipe")?.hasSuffix("is not a regular file (it is a FIFO)") == true)
    }

    @Test func aRegularFileReadableByOthersStillGetsTheModeAdvice() throws {
        let dir = try TemporaryDirectory("creds-kind")
        defer { dir.remove() }
        let file = try dir.write("creds", "[default]\naccess_key_id = a\naccess_key_secret = b\n")
        #expect(chmod(file.path, 0o644) == 0)
        #expect(message(file.path)?.contains("run: chmod 600 \(file.path)") == true)
        #expect(chmod(file.path, 0o600) == 0)
        #expect(message(file.path) == nil)
    }
}
