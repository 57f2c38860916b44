/// What a plan adds up to.
public struct PlanTotals: Sendable, Hashable {
    public var files = 0
    public var bytes: Int64 = 0
    public var singlePuts = 0
    public var multipartJobs = 0
    public var parts = 0

    public init(files: Int = 0, bytes: Int64 = 0, singlePuts: Int = 0, multipartJobs: Int = 0, parts: Int = 0) {
        self.files = files
        self.bytes = bytes
        self.singlePuts = singlePuts
        self.multipartJobs = multipartJobs
        self.parts = parts
    }
}
