import OSSBatch
import Testing

/// Issue 14 item 8: a value given on the command line is a command-line problem naming the flag, never a
/// manifest error at the manifest's `endpoint` line.
@Suite struct TargetFlagDiagnosticsTests {
    private let manifest = """
        version: 1
        target:
          endpoint: https://oss-cn-hangzhou.aliyuncs.com
          bucket: test-bucket
        files:
          - source: data/

        """

    @Test func anEndpointFlagThatIsNotAnEndpointNamesTheFlag() throws {
        let f = try ManifestFixture(manifest)
        defer { f.remove() }
        let d = f.diagnostics(TargetOverrides(endpoint: "ftp://x"))
        #expect(d.count == 1)
        #expect(d.first?.flag == "endpoint")
        #expect(d.first?.line == nil)
        #expect(d.first?.description.hasPrefix("error: --endpoint 'ftp://x' is not an endpoint") == true)
    }

    @Test func aRegionThatCannotBeDerivedFromTheEndpointFlagAsksForTheRegionFlag() throws {
        let f = try ManifestFixture(manifest)
        defer { f.remove() }
        let d = f.diagnostics(TargetOverrides(endpoint: "https://storage.example.com"))
        #expect(d.map(\.flag) == ["endpoint"])
        #expect(
            d.first?.message
                == "cannot derive the region from --endpoint 'storage.example.com'; add --region REGION (signature v4 needs it)"
        )
        #expect(f.diagnostics(TargetOverrides(endpoint: "https://storage.example.com", region: "r1")).isEmpty)
    }

    /// OSS refuses every request signed for a region that is not the bucket's: a region other than the one a
    /// standard endpoint names is a warning at the region (the batch would stop at its first answer).
    @Test func aRegionOtherThanTheOneTheEndpointNamesIsAWarningAtTheRegion() throws {
        let f = try ManifestFixture(
            "version: 1\ntarget:\n  endpoint: https://oss-cn-hangzhou.aliyuncs.com\n  region: cn-shanghai\n"
                + "  bucket: b-1\nfiles:\n  - source: data/\n"
        )
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == [at(4, 11)])
        #expect(d.first?.severity == .warning)
        #expect(
            d.first?.message
                == "region 'cn-shanghai' is not the region endpoint 'oss-cn-hangzhou.aliyuncs.com' names (cn-hangzhou): "
                + "OSS refuses every request signed for a region that is not the bucket's"
        )
        let flag = f.diagnostics(TargetOverrides(region: "cn-beijing"))
        #expect(flag.map(\.flag) == ["region"] && flag.first?.severity == .warning)
        #expect(f.diagnostics(TargetOverrides(region: "cn-hangzhou")).isEmpty)
        #expect(f.diagnostics(TargetOverrides(endpoint: "https://oss-cn-shanghai-internal.aliyuncs.com")).isEmpty)
    }

    @Test func aBadBucketFlagNamesTheFlag() throws {
        let f = try ManifestFixture(manifest)
        defer { f.remove() }
        let d = f.diagnostics(TargetOverrides(bucket: "Bad_Bucket"))
        #expect(d.map(\.flag) == ["bucket"])
        #expect(d.first?.message.hasPrefix("--bucket: 'Bad_Bucket' is not a valid bucket name") == true)
    }

    @Test func aManifestEndpointWithoutARegionIsStillAManifestErrorAtTheEndpoint() throws {
        let f = try ManifestFixture(
            "version: 1\ntarget:\n  endpoint: https://storage.example.com\n  bucket: b-1\nfiles:\n  - source: data/\n"
        )
        defer { f.remove() }
        let d = f.diagnostics()
        #expect(positions(d) == [at(3, 13)])
        #expect(d.first?.flag == nil)
        #expect(d.first?.message.contains("set 'target.region' or give --region") == true)
    }

    @Test func endpointURLNormalisesWhatResumeIsGiven() {
        #expect(TargetOverrides.endpointURL("127.0.0.1:9000/") == "https://127.0.0.1:9000")
        #expect(TargetOverrides.endpointURL("http://localhost:9") == "http://localhost:9")
        #expect(TargetOverrides.endpointURL("ftp://x") == nil)
    }
}
