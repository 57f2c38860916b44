/// How a file is cut into parts: every part is `partSize` bytes except the last.
package struct PartPlan: Sendable, Hashable {
    package var partSize: Int64
    package var partCount: Int

    package init(partSize: Int64, partCount: Int) {
        self.partSize = partSize
        self.partCount = partCount
    }

    /// Byte range of part `number` (1-based) in a file of `fileSize` bytes.
    package func range(ofPart number: Int, fileSize: Int64) -> (offset: Int64, length: Int64) {
        let offset = Int64(number - 1) * partSize
        return (offset, min(partSize, fileSize - offset))
    }
}
