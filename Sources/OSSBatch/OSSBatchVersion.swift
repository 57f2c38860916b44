public enum OSSBatchVersion {
    public static let current = "0.1.0"
}
