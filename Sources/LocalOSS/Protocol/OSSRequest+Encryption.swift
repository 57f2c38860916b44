import OSSProtocol

extension OSSRequest {
    /// Refuses server-side encryption headers OSS would refuse: an unknown algorithm, or a KMS key or data
    /// encryption without `KMS`.
    func checkEncryption() throws(OSSRequestError) {
        guard let algorithm = header("x-oss-server-side-encryption") else {
            if header("x-oss-server-side-encryption-key-id") != nil
                || header("x-oss-server-side-data-encryption") != nil
            {
                throw OSSRequestError.invalidArgument(
                    "x-oss-server-side-encryption-key-id and "
                        + "x-oss-server-side-data-encryption need x-oss-server-side-encryption: KMS."
                )
            }
            return
        }
        guard let sse = ServerSideEncryption(rawValue: algorithm) else {
            throw OSSRequestError(
                400,
                .unknown("InvalidEncryptionAlgorithmError"),
                "The Encryption request you specified is not valid. Supported value: AES256/KMS/SM4.",
                ec: "0005-00000100"
            )
        }
        if sse != .kms,
            header("x-oss-server-side-encryption-key-id") != nil || header("x-oss-server-side-data-encryption") != nil
        {
            throw OSSRequestError.invalidArgument(
                "x-oss-server-side-encryption-key-id and x-oss-server-side-data-encryption need KMS, not \(algorithm)."
            )
        }
        if let data = header("x-oss-server-side-data-encryption"), SSEDataEncryption(rawValue: data) == nil {
            throw OSSRequestError.invalidArgument("x-oss-server-side-data-encryption must be SM4.")
        }
    }
}
