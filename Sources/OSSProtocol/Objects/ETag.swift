import Foundation

/// OSS entity tags as the service writes them: quoted in headers and XML, hex digits in either case.
public enum ETag {
    /// Whether `a` and `b` name the same entity tag, compared without quotes or case.
    public static func same(_ a: String, _ b: String) -> Bool {
        normalized(a) == normalized(b)
    }

    private static func normalized(_ etag: String) -> String {
        etag.trimmingCharacters(in: ["\""]).uppercased()
    }
}
