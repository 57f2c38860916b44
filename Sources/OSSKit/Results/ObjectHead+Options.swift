import Foundation
import OSSProtocol

extension ObjectHead {
    /// Whether what HEAD shows of the object agrees with `options`: content type, cache control, content
    /// disposition and encoding where the options set them, exactly these user metadata, the storage class,
    /// server-side encryption where set, and the tag count where OSS reports one. ACL and tag values are not
    /// in a HEAD answer and are not compared. For settling a refused or unanswered write by HEAD: an object
    /// of the same bytes that another writer put with other options is not this job's.
    public func shows(_ options: ObjectOptions) -> Bool {
        func same(_ shown: String?, _ sent: String?) -> Bool {
            guard let sent else { return true }
            return shown.map(Self.trimmed) == Self.trimmed(sent)
        }
        guard same(contentType, options.contentType),
            same(headers["cache-control"], options.cacheControl),
            same(headers["content-disposition"], options.contentDisposition),
            same(headers["content-encoding"], options.contentEncoding),
            same(headers["x-oss-server-side-encryption"], options.serverSideEncryption?.rawValue),
            same(headers["x-oss-server-side-encryption-key-id"], options.sseKMSKeyID)
        else { return false }
        // Names as OSS keeps them (lower case), values as sent; none more, none fewer.
        let sentMetadata = Dictionary(
            options.metadata.map { ($0.key.lowercased(), Self.trimmed($0.value)) },
            uniquingKeysWith: { first, _ in first }
        )
        guard sentMetadata == metadata.mapValues(Self.trimmed) else { return false }
        // OSS names the class on every HEAD; a store that names none keeps Standard.
        let shownClass = headers["x-oss-storage-class"].map(Self.trimmed) ?? StorageClass.standard.rawValue
        guard shownClass.lowercased() == options.storageClass.rawValue.lowercased() else { return false }
        if let count = headers["x-oss-tagging-count"].flatMap({ Int(Self.trimmed($0)) }), count != options.tags.count {
            return false
        }
        return true
    }

    /// Without the spaces and tabs HTTP lets either side add around a header value.
    private static func trimmed(_ value: String) -> String { value.trimmingCharacters(in: [" ", "\t"]) }
}
