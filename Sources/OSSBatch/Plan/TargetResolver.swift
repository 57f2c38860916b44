import OSSKit

/// Resolves `target:` with command-line overrides: checks the bucket name, normalises the endpoint,
/// derives the region from standard endpoints and picks path addressing for IP and localhost endpoints.
struct TargetResolver {
    let section: TargetSection
    let overrides: TargetOverrides

    /// A mark for values that came from the command line rather than the manifest.
    private func flag(_ name: String) -> SourceMark { SourceMark(file: "--\(name)") }

    func resolve(into diagnostics: inout [Diagnostic]) -> Target? {
        let endpoint = overrides.endpoint.map { Marked($0, at: flag("endpoint")) } ?? section.endpoint
        let bucket = overrides.bucket.map { Marked($0, at: flag("bucket")) } ?? section.bucket
        let region = overrides.region.map { Marked($0, at: flag("region")) } ?? section.region
        var ok = true
        if endpoint == nil {
            diagnostics.append(
                Diagnostic(section.mark, "missing 'target.endpoint' (e.g. https://oss-cn-hangzhou.aliyuncs.com)")
            )
            ok = false
        }
        if let bucket {
            if let problem = BucketName.problem(with: bucket.value) {
                diagnostics.append(Diagnostic(bucket.mark, problem))
                ok = false
            }
        } else {
            diagnostics.append(Diagnostic(section.mark, "missing 'target.bucket'"))
            ok = false
        }
        guard ok, let endpoint, let bucket else { return nil }
        guard let parsed = Endpoint(endpoint.value) else {
            diagnostics.append(
                Diagnostic(
                    endpoint.mark,
                    "'\(endpoint.value)' is not an endpoint; expected a host name with an optional http:// or https:// scheme and port"
                )
            )
            return nil
        }
        let signature = section.signature ?? .v4
        var resolvedRegion = region?.value ?? parsed.derivedRegion
        if resolvedRegion == nil {
            if signature == .v4 {
                diagnostics.append(
                    Diagnostic(
                        region?.mark ?? section.mark,
                        "cannot derive the region from endpoint '\(parsed.host)'; set 'target.region' (signature v4 needs it)"
                    )
                )
                return nil
            }
            resolvedRegion = ""
        }
        let addressing = section.addressing ?? (parsed.isIPOrLocalhost ? .path : .virtualHost)
        return Target(
            endpoint: parsed.url,
            region: resolvedRegion!,
            bucket: bucket.value,
            signature: signature,
            addressing: addressing
        )
    }
}
