import Foundation
import OSSBatch
import OSSProtocol
import Testing

/// `server_side_encryption`, `sse_kms_key_id` and `sse_data_encryption` in a manifest: into every job's options
/// (entry over `defaults`), into the plan ID, and refused at the field where OSS would refuse them.
@Suite struct ServerSideEncryptionManifestTests {
    private func positions(_ d: [Diagnostic]) -> [String] { d.map { "\($0.line ?? 0):\($0.column ?? 0)" } }

    @Test func encryptionOptionsReachEveryJobAndAnEntryNamingItsAlgorithmTakesNoneOfTheDefaults() throws {
        let f = try ManifestFixture(
            ManifestFixture.target + """
                defaults:
                  server_side_encryption: KMS
                  sse_kms_key_id: 0a1b-key
                  sse_data_encryption: SM4
                files:
                  - source: data/a.txt
                    key: a.txt
                  - source: data/b.txt
                    key: b.txt
                    server_side_encryption: AES256
                """
        )
        defer { f.remove() }
        let jobs = try f.plan().jobs
        let a = try #require(jobs.first { $0.key == "a.txt" }).options
        let b = try #require(jobs.first { $0.key == "b.txt" }).options
        #expect(a.serverSideEncryption == .kms && a.sseKMSKeyID == "0a1b-key" && a.sseDataEncryption == .sm4)
        #expect(b.serverSideEncryption == .aes256 && b.sseKMSKeyID == nil && b.sseDataEncryption == nil)
    }

    @Test func anEntryNamingAnotherAlgorithmWithAKMSKeyIDIsRefusedAtTheKeyID() throws {
        let f = try ManifestFixture(
            ManifestFixture.target + """
                defaults:
                  server_side_encryption: KMS
                  sse_kms_key_id: 0a1b-key
                files:
                  - source: data/
                    key_prefix: d/
                  - source: data/a.txt
                    key: plain.txt
                    server_side_encryption: SM4
                    sse_kms_key_id: ""
                """
        )
        defer { f.remove() }
        // SM4 with a key id (even empty) is refused at the entry's field.
        #expect(positions(f.diagnostics()) == ["15:5"], "\(f.diagnostics())")
    }

    @Test func kmsKeyIDWithoutKMSIsRefusedAtTheField() throws {
        let f = try ManifestFixture(
            ManifestFixture.target + "files:\n  - source: data/\n    server_side_encryption: AES256\n"
                + "    sse_kms_key_id: k\n"
        )
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == ["9:5"])
        #expect(d.first?.message.contains("need server_side_encryption: KMS, not AES256") == true)
    }

    @Test func unknownAlgorithmsListTheAllowedValues() throws {
        let f = try ManifestFixture(
            ManifestFixture.target + "files:\n  - source: data/\n    server_side_encryption: DES\n"
                + "    sse_data_encryption: AES\n"
        )
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == ["8:29", "9:26"], "\(d)")
        #expect(d.first?.message.contains("AES256, KMS, SM4") == true)
    }

    @Test func thePlanIDCoversTheEncryptionOptions() throws {
        let yaml = { (sse: String) in
            ManifestFixture.target + "defaults:\n\(sse)files:\n  - source: data/\n    key_prefix: d/\n"
        }
        let f = try ManifestFixture(yaml("  cache_control: x\n"))
        defer { f.remove() }
        let plain = try f.plan().planID
        _ = try f.directory.write("manifest.yaml", yaml("  server_side_encryption: KMS\n  sse_kms_key_id: k1\n"))
        let k1 = try f.plan()
        #expect(k1.jobs.count == 2 && k1.jobs.allSatisfy { $0.options.sseKMSKeyID == "k1" })
        _ = try f.directory.write("manifest.yaml", yaml("  server_side_encryption: KMS\n  sse_kms_key_id: k2\n"))
        let k2 = try f.plan().planID
        _ = try f.directory.write("manifest.yaml", yaml("  cache_control: x\n"))
        #expect(Set([plain, k1.planID, k2]).count == 3)
        #expect(try f.plan().planID == plain)
    }
}
