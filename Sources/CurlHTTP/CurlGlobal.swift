import CCurl

/// `curl_global_init` must run exactly once per process before any other curl call and is not
/// thread-safe itself; a Swift global's lazy initialiser runs exactly once under `swift_once`.
private let curlGlobalInitialisation: CURLcode = ccurl_global_init_all()

enum CurlGlobal {
    /// Touches the global so libcurl is initialised; cheap after the first call.
    static func ensureInitialised() {
        _ = curlGlobalInitialisation
    }
}
