import OSSProtocol

extension OSSClient {
    private var pageSize: String { String(min(max(configuration.listPageSize, 1), 1000)) }

    /// Every part of the upload (all pages, 1,000 per page).
    public func listParts(bucket: String, key: String, uploadID: String) async throws -> [ListedPart] {
        var parts: [ListedPart] = []
        var marker: String?
        var progress = ListingProgress(operation: "ListParts")
        repeat {
            // The answer holds the key (unread here): raw, a key XML 1.0 cannot carry would make it unreadable.
            var query: [SignableRequest.QueryItem] = [
                .init("uploadId", uploadID), .init("max-parts", pageSize), .init("encoding-type", "url"),
            ]
            if let marker { query.append(.init("part-number-marker", marker)) }
            let operation = OperationSpec(name: "ListParts", method: "GET", bucket: bucket, key: key, query: query)
            let (page, requestID) = try await perform(operation) { (response, _) throws(OSSError) in
                (try Self.listPartsPage(response), Self.requestID(response))
            }
            parts += page.parts
            marker = page.next
            try progress.advance(to: marker, pageEntries: page.parts.count, requestID: requestID)
        } while marker != nil
        return parts
    }

    /// Every in-progress upload whose key starts with `prefix` (all pages), each key exactly as stored
    /// (`ListingEncoding`).
    public func listMultipartUploads(bucket: String, prefix: String) async throws -> [MultipartUploadSummary] {
        var uploads: [MultipartUploadSummary] = []
        var markers: (key: String, uploadID: String)?
        var progress = ListingProgress(operation: "ListMultipartUploads")
        repeat {
            var query: [SignableRequest.QueryItem] = [
                .init("uploads"), .init("max-uploads", pageSize), .init("encoding-type", "url"),
            ]
            if !prefix.isEmpty { query.append(.init("prefix", prefix)) }
            if let markers {
                query.append(.init("key-marker", markers.key))
                query.append(.init("upload-id-marker", markers.uploadID))
            }
            let operation = OperationSpec(
                name: "ListMultipartUploads",
                method: "GET",
                bucket: bucket,
                key: nil,
                query: query
            )
            let (page, requestID) = try await perform(operation) { (response, _) throws(OSSError) in
                (try Self.listUploadsPage(response), Self.requestID(response))
            }
            uploads += page.uploads
            markers = page.next
            try progress.advance(
                to: markers.map { $0.key + "\u{0}" + $0.uploadID },
                pageEntries: page.uploads.count,
                requestID: requestID
            )
        } while markers != nil
        return uploads
    }

    /// Every object whose key starts with `prefix` (all pages), each key exactly as stored (`ListingEncoding`).
    public func listObjectsV2(bucket: String, prefix: String) async throws -> [ObjectSummary] {
        var objects: [ObjectSummary] = []
        var token: String?
        var progress = ListingProgress(operation: "ListObjectsV2")
        repeat {
            try Task.checkCancellation()  // a stop between pages of a long listing
            var query: [SignableRequest.QueryItem] = [
                .init("list-type", "2"), .init("max-keys", pageSize), .init("encoding-type", "url"),
            ]
            if !prefix.isEmpty { query.append(.init("prefix", prefix)) }
            if let token { query.append(.init("continuation-token", token)) }
            let operation = OperationSpec(name: "ListObjectsV2", method: "GET", bucket: bucket, key: nil, query: query)
            let (page, requestID) = try await perform(operation) { (response, _) throws(OSSError) in
                (try Self.listObjectsPage(response), Self.requestID(response))
            }
            objects += page.objects
            token = page.next
            try progress.advance(to: token, pageEntries: page.objects.count, requestID: requestID)
        } while token != nil
        return objects
    }

    // MARK: page parsers (static so unit tests can feed them XML)

    /// One ListParts page and the marker of the next page (`nil` when this was the last).
    public static func listPartsPage(_ response: HTTPResponse) throws(OSSError) -> (parts: [ListedPart], next: String?)
    {
        let root = try document(response, root: "ListPartsResult")
        var parts: [ListedPart] = []
        for node in root.children("Part") {
            guard let number = node.text(of: "PartNumber").flatMap({ Int($0) }),
                let size = node.text(of: "Size").flatMap({ Int64($0) })
            else {
                throw .invalidResponse("ListParts: a Part without PartNumber or Size", requestID: requestID(response))
            }
            parts.append(
                ListedPart(
                    partNumber: number,
                    etag: node.text(of: "ETag") ?? "",
                    size: size,
                    crc64: node.text(of: "HashCrc64ecma").flatMap { UInt64($0) }
                )
            )
        }
        let next = try nextMarker(root, response, truncatedBy: "NextPartNumberMarker")
        return (parts, next)
    }

    /// One ListMultipartUploads page (keys and the next key marker decoded as `ListingEncoding` says) and
    /// the markers of the next page (`nil` when this was the last).
    public static func listUploadsPage(
        _ response: HTTPResponse
    ) throws(OSSError)
        -> (uploads: [MultipartUploadSummary], next: (key: String, uploadID: String)?)
    {
        let root = try document(response, root: "ListMultipartUploadsResult")
        let encoding = try ListingEncoding(root, operation: "ListMultipartUploads", requestID: requestID(response))
        var uploads: [MultipartUploadSummary] = []
        for node in root.children("Upload") {
            uploads.append(
                MultipartUploadSummary(
                    key: try encoding.decode(node.text(of: "Key") ?? "", field: "Key"),
                    uploadID: node.text(of: "UploadId") ?? "",
                    initiated: node.text(of: "Initiated") ?? ""
                )
            )
        }
        guard let key = try nextMarker(root, response, truncatedBy: "NextKeyMarker") else { return (uploads, nil) }
        return (uploads, (try encoding.decode(key, field: "NextKeyMarker"), root.text(of: "NextUploadIdMarker") ?? ""))
    }

    /// One ListObjectsV2 page (keys and the continuation token decoded as `ListingEncoding` says) and the
    /// token of the next page (`nil` when this was the last).
    public static func listObjectsPage(
        _ response: HTTPResponse
    ) throws(OSSError) -> (objects: [ObjectSummary], next: String?) {
        let root = try document(response, root: "ListBucketResult")
        let encoding = try ListingEncoding(root, operation: "ListObjectsV2", requestID: requestID(response))
        var objects: [ObjectSummary] = []
        for node in root.children("Contents") {
            guard let key = node.text(of: "Key"), let size = node.text(of: "Size").flatMap({ Int64($0) }) else {
                throw .invalidResponse("ListObjectsV2: Contents without Key or Size", requestID: requestID(response))
            }
            objects.append(
                ObjectSummary(
                    key: try encoding.decode(key, field: "Key"),
                    size: size,
                    etag: node.text(of: "ETag") ?? ""
                )
            )
        }
        guard let token = try nextMarker(root, response, truncatedBy: "NextContinuationToken") else {
            return (objects, nil)
        }
        return (objects, try encoding.decode(token, field: "NextContinuationToken"))
    }

    private static func document(_ response: HTTPResponse, root name: String) throws(OSSError) -> XMLNode {
        guard let root = XMLNode.parse(response.body), root.name == name else {
            throw .invalidResponse("expected a \(name) document", requestID: requestID(response))
        }
        return root
    }

    /// The next page's marker when `IsTruncated` is true; a truncated page without one would loop forever.
    private static func nextMarker(
        _ root: XMLNode,
        _ response: HTTPResponse,
        truncatedBy element: String
    ) throws(OSSError) -> String? {
        guard root.text(of: "IsTruncated")?.lowercased() == "true" else { return nil }
        guard let marker = root.text(of: element), !marker.isEmpty else {
            throw .invalidResponse("truncated listing without \(element)", requestID: requestID(response))
        }
        return marker
    }
}
