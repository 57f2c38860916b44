extension OSSServiceError {
    /// The codes with which OSS says a request came over a limit of the account or bucket (its documentation of
    /// 503 and 429 answers: requests a second, upload or download traffic, requests at once, image processing)
    /// rather than that it failed: the same request sent later, at a slower pace, succeeds. `SlowDown` is the
    /// S3 word some OSS-compatible services use.
    public static let throttlingCodes: Set<String> = [
        "TotalQpsLimitExceeded", "QpsLimitExceeded", "MetaOperationQpsLimitExceeded", "UploadTrafficRateLimitExceeded",
        "DownloadTrafficRateLimitExceeded", "ActiveRequestLimitExceeded", "CpuLimitExceeded", "SlowDown",
    ]

    /// Whether the service refused this request for coming too fast: HTTP 429, or 503 with one of
    /// `throttlingCodes`. A plain 503 `ServiceUnavailable` is not: a busy server, or a balancer with no backend
    /// behind it, answers so too.
    public var isThrottling: Bool {
        httpStatus == 429 || (httpStatus == 503 && Self.throttlingCodes.contains(code.rawValue))
    }
}
