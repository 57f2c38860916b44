import OSSKit
import OSSProtocol

/// Resolves `target:` with command-line overrides: checks the bucket name, normalises the endpoint,
/// derives the region from standard endpoints and picks path addressing for IP and localhost endpoints.
/// A problem with a value given on the command line is a command-line diagnostic naming the flag.
struct TargetResolver {
    let section: TargetSection
    let overrides: TargetOverrides

    /// A target value and where it was given.
    private struct Given {
        var value: String
        /// The manifest's node, or `nil` when the value came from `--flag`.
        var mark: SourceMark?
        var flag: String

        func diagnostic(_ message: String) -> Diagnostic {
            mark.map { Diagnostic($0, message) } ?? Diagnostic(flag: flag, message)
        }
    }

    private func given(_ flag: String, _ override: String?, _ written: Marked<String>?) -> Given? {
        if let override { return Given(value: override, mark: nil, flag: flag) }
        return written.map { Given(value: $0.value, mark: $0.mark, flag: flag) }
    }

    func resolve(into diagnostics: inout [Diagnostic]) -> Target? {
        let endpoint = given("endpoint", overrides.endpoint, section.endpoint)
        let bucket = given("bucket", overrides.bucket, section.bucket)
        let region = given("region", overrides.region, section.region)
        var ok = true
        if endpoint == nil {
            diagnostics.append(
                Diagnostic(
                    section.mark,
                    "missing 'target.endpoint' (e.g. https://oss-cn-hangzhou.aliyuncs.com; or give --endpoint)"
                )
            )
            ok = false
        }
        if let bucket {
            if let problem = BucketName.problem(with: bucket.value) {
                diagnostics.append(bucket.diagnostic(bucket.mark == nil ? "--bucket: \(problem)" : problem))
                ok = false
            }
        } else {
            diagnostics.append(Diagnostic(section.mark, "missing 'target.bucket'"))
            ok = false
        }
        guard ok, let endpoint, let bucket else { return nil }
        guard let parsed = Endpoint(endpoint.value) else {
            let shown = SecretRedaction.hidingUserInfo(endpoint.value)
            let what = endpoint.mark == nil ? "--endpoint '\(shown)'" : "'\(shown)'"
            diagnostics.append(
                endpoint.diagnostic(
                    "\(what) is not an endpoint; expected a host name with an optional http:// or https:// scheme and port"
                )
            )
            return nil
        }
        let signature = section.signature ?? .v4
        // A region other than the one a standard endpoint's name says: OSS refuses every request signed for a
        // region that is not the bucket's (the batch stops at its first answer). A warning, not an error: a
        // few endpoints' names are not their region's ID (finance and government clouds).
        if let region, let derived = parsed.derivedRegion, region.value.lowercased() != derived, signature == .v4 {
            let named = region.mark == nil ? "--region '\(region.value)'" : "region '\(region.value)'"
            let message =
                "\(named) is not the region endpoint '\(parsed.host)' names (\(derived)): OSS refuses every request "
                + "signed for a region that is not the bucket's"
            var warning = region.diagnostic(message)
            warning.severity = .warning
            diagnostics.append(warning)
        }
        var resolvedRegion = region?.value ?? parsed.derivedRegion
        if resolvedRegion == nil {
            if signature == .v4 {
                // Said where the endpoint was given: a flag needs another flag, a manifest value a field.
                let message =
                    endpoint.mark == nil
                    ? "cannot derive the region from --endpoint '\(parsed.host)'; add --region REGION "
                        + "(signature v4 needs it)"
                    : "cannot derive the region from endpoint '\(parsed.host)'; set 'target.region' or give "
                        + "--region (signature v4 needs it)"
                diagnostics.append(endpoint.diagnostic(message))
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
