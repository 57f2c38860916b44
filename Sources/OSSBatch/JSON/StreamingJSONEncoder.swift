import LocalFiles

/// Encodes `Encodable` values to compact JSON bytes by writing straight into one buffer as the value's
/// `encode(to:)` uses its containers: the one JSON writer of everything ossbatch persists or prints
/// (reports, journals, checkpoints, `plan --json`, JSON log lines). Foundation's `JSONEncoder` first
/// builds a tree of boxed values and then serializes it; for the report and the journal — one line per
/// job, 100,000 jobs in a batch — that cost more CPU than uploading a small file.
///
/// Output: no whitespace, keys in the order the value encodes them, `nil` optionals left out, `/` not
/// escaped, and string-keyed dictionaries with their keys in byte order, so that equal values always give
/// equal bytes (a dictionary's own order changes from one process to the next).
///
/// It relies on containers being used in nesting order (a container is finished before its parent goes
/// on), which synthesized conformances and every type of this module do. Non-finite numbers throw.
package struct StreamingJSONEncoder: Sendable {
    package init() {}

    package func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let writer = JSONByteWriter()
        try writer.writeValue(value)
        return writer.bytes
    }

    /// Appends `s` as a JSON string as this encoder writes one (also for `JobLineWriter`, which writes the
    /// same bytes).
    static func appendString(_ s: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        appendStringContents(s, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends the characters of `s` as a JSON string holds them, escaped, without the quotes (a string
    /// written in pieces: `JobLineWriter` writes a key from its directory and name).
    static func appendStringContents(_ s: String, to bytes: inout [UInt8]) {
        // Most strings need no escaping: then one append, not one per byte.
        let utf8 = s.utf8
        guard needsEscaping(utf8) else {
            bytes.append(contentsOf: utf8)
            return
        }
        bytes.append(addingCapacity: longestEscaped(utf8.count)) { out in appendStringContents(s, to: &out) }
    }

    /// The most bytes `count` bytes of a string can take escaped (`\u00XX` for a control character).
    static func longestEscaped(_ count: Int) -> Int { 6 * count }

    /// Appends the characters of `s`, escaped, without the quotes, to `out`, which has room for
    /// `longestEscaped(s.utf8.count)` bytes: the one escaping of every string this encoder and `JobLineWriter`
    /// write.
    static func appendStringContents(_ s: String, to out: inout OutputSpan<UInt8>) {
        let bytes = s.utf8.span
        for i in bytes.indices {
            let byte = bytes[i]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else {
                out.append(byte)  // UTF-8 passes through: JSON text is UTF-8
                continue
            }
            out.append(UInt8(ascii: "\\"))
            switch byte {
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "t"))
            case 0x00..<0x20:
                // `\u00` and two lower-case hex digits (the first 0 or 1).
                let low = byte & 0xF
                out.append(UInt8(ascii: "u"))
                out.append(UInt8(ascii: "0"))
                out.append(UInt8(ascii: "0"))
                out.append(UInt8(ascii: "0") + byte >> 4)
                out.append(low < 10 ? UInt8(ascii: "0") + low : UInt8(ascii: "a") - 10 + low)
            default: out.append(byte)  // `"` and `\`
            }
        }
    }

    /// Whether a byte of `utf8` must be escaped in a JSON string. Over the bytes where they are (a `Span`):
    /// `contains(where:)` on the view went through its generic iterator and was a fifth of writing a report
    /// (perf, 2026-12-03).
    private static func needsEscaping(_ utf8: String.UTF8View) -> Bool {
        let bytes = utf8.span
        for i in bytes.indices {
            let byte = bytes[i]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return true }
        }
        return false
    }
}

/// The encoder behind `StreamingJSONEncoder`: one per top-level value, never shared.
private final class JSONByteWriter: Encoder {
    // Unchecked exclusivity: one writer serves one `encode` call on one thread, and every access is a
    // short append; the runtime's per-access bookkeeping cost more than the writing.
    @exclusivity(unchecked) var bytes: [UInt8] = []
    // Coding paths are not tracked: nothing here reads them, and building them per value is the kind of
    // cost this encoder exists to avoid.
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// Closing brackets of the open containers, innermost last, and whether each has had a member yet.
    @exclusivity(unchecked) private var closers: [UInt8] = []
    @exclusivity(unchecked) private var hasMembers: [Bool] = []
    /// `closers.count` when the innermost `writeValue` began: containers above it belong to that value.
    private var valueBase = 0

    init() { bytes.reserveCapacity(512) }

    func writeValue<T: Encodable>(_ value: T) throws {
        // Every primitive is written here: the standard library's primitives encode themselves through a
        // single-value container whose primitive methods come back to this generic entry point.
        if let leaf = value as? any JSONLeaf { return try leaf.write(to: self) }
        if let dictionary = value as? any StringKeyedDictionary { return try dictionary.writeSorted(to: self) }
        let outerBase = valueBase
        valueBase = closers.count
        defer { valueBase = outerBase }
        let start = bytes.count
        try value.encode(to: self)
        closeContainers(downTo: valueBase)
        // A value that asked for no container at all is an empty object (as with Foundation's encoder).
        if bytes.count == start { bytes += [UInt8(ascii: "{"), UInt8(ascii: "}")] }
    }

    private func closeContainers(downTo depth: Int) {
        while closers.count > depth {
            bytes.append(closers.removeLast())
            hasMembers.removeLast()
        }
    }

    /// Opens a container for the current value, or reuses the one it already opened (a type may ask twice).
    fileprivate func open(_ opener: UInt8, _ closer: UInt8) -> Int {
        if closers.count > valueBase, closers[valueBase] == closer { return valueBase + 1 }
        bytes.append(opener)
        closers.append(closer)
        hasMembers.append(false)
        return closers.count
    }

    /// Writes the separator before a new member of the container at `level` (1-based).
    fileprivate func beginMember(at level: Int) {
        closeContainers(downTo: level)
        if hasMembers[level - 1] { bytes.append(UInt8(ascii: ",")) } else { hasMembers[level - 1] = true }
    }

    fileprivate func beginMember(at level: Int, key: String) {
        beginMember(at: level)
        writeString(key)
        bytes.append(UInt8(ascii: ":"))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedJSONContainer<Key>(writer: self, level: open(UInt8(ascii: "{"), UInt8(ascii: "}"))))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedJSONContainer(writer: self, level: open(UInt8(ascii: "["), UInt8(ascii: "]")))
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleJSONValue(writer: self) }

    // MARK: leaves

    static let nullBytes = Array("null".utf8), trueBytes = Array("true".utf8), falseBytes = Array("false".utf8)

    func writeNull() { bytes += Self.nullBytes }

    func writeInteger<N: BinaryInteger>(_ n: N) { DecimalDigits.append(n, to: &bytes) }

    func writeFloatingPoint<F: BinaryFloatingPoint & LosslessStringConvertible>(_ x: F) throws {
        guard x.isFinite else {
            throw EncodingError.invalidValue(
                x,
                .init(codingPath: [], debugDescription: "\(x) cannot be written as JSON")
            )
        }
        // Swift's description is the shortest text that reads back as the same number, and valid JSON.
        bytes += x.description.utf8
    }

    func writeString(_ s: String) { StreamingJSONEncoder.appendString(s, to: &bytes) }
}

/// The values `JSONByteWriter` writes itself.
private protocol JSONLeaf { func write(to writer: JSONByteWriter) throws }

extension String: JSONLeaf { fileprivate func write(to writer: JSONByteWriter) { writer.writeString(self) } }
extension Bool: JSONLeaf {
    fileprivate func write(to writer: JSONByteWriter) {
        writer.bytes += self ? JSONByteWriter.trueBytes : JSONByteWriter.falseBytes
    }
}
extension Double: JSONLeaf {
    fileprivate func write(to writer: JSONByteWriter) throws { try writer.writeFloatingPoint(self) }
}
extension Float: JSONLeaf {
    fileprivate func write(to writer: JSONByteWriter) throws { try writer.writeFloatingPoint(self) }
}
extension JSONLeaf where Self: BinaryInteger {
    fileprivate func write(to writer: JSONByteWriter) { writer.writeInteger(self) }
}
extension Int: JSONLeaf {}
extension Int8: JSONLeaf {}
extension Int16: JSONLeaf {}
extension Int32: JSONLeaf {}
extension Int64: JSONLeaf {}
extension UInt: JSONLeaf {}
extension UInt8: JSONLeaf {}
extension UInt16: JSONLeaf {}
extension UInt32: JSONLeaf {}
extension UInt64: JSONLeaf {}

/// A dictionary with string keys, which `JSONByteWriter` writes with its keys in byte order.
private protocol StringKeyedDictionary { func writeSorted(to writer: JSONByteWriter) throws }

extension Dictionary: StringKeyedDictionary where Key == String, Value: Encodable {
    fileprivate func writeSorted(to writer: JSONByteWriter) throws {
        writer.bytes.append(UInt8(ascii: "{"))
        for (n, member) in sorted(by: { ByteOrder.precedes($0.key, $1.key) }).enumerated() {
            if n > 0 { writer.bytes.append(UInt8(ascii: ",")) }
            writer.writeString(member.key)
            writer.bytes.append(UInt8(ascii: ":"))
            try writer.writeValue(member.value)
        }
        writer.bytes.append(UInt8(ascii: "}"))
    }
}

private struct KeyedJSONContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: JSONByteWriter
    let level: Int
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws {
        writer.beginMember(at: level, key: key.stringValue)
        writer.writeNull()
    }
    mutating func encode(_ value: Bool, forKey key: Key) throws {
        writer.beginMember(at: level, key: key.stringValue)
        writer.bytes += value ? JSONByteWriter.trueBytes : JSONByteWriter.falseBytes
    }
    mutating func encode(_ value: String, forKey key: Key) throws {
        writer.beginMember(at: level, key: key.stringValue)
        writer.writeString(value)
    }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        writer.beginMember(at: level, key: key.stringValue)
        try writer.writeFloatingPoint(value)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        writer.beginMember(at: level, key: key.stringValue)
        try writer.writeFloatingPoint(value)
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try integer(value, key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try integer(value, key) }

    private func integer<N: BinaryInteger>(_ value: N, _ key: Key) throws {
        writer.beginMember(at: level, key: key.stringValue)
        writer.writeInteger(value)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        writer.beginMember(at: level, key: key.stringValue)
        try writer.writeValue(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        writer.beginMember(at: level, key: key.stringValue)
        return KeyedEncodingContainer(
            KeyedJSONContainer<NestedKey>(
                writer: writer,
                level: writer.openNested(UInt8(ascii: "{"), UInt8(ascii: "}"))
            )
        )
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        writer.beginMember(at: level, key: key.stringValue)
        return UnkeyedJSONContainer(writer: writer, level: writer.openNested(UInt8(ascii: "["), UInt8(ascii: "]")))
    }

    mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        writer.beginMember(at: level, key: key.stringValue)
        return writer.nestedEncoder()
    }
}

private struct UnkeyedJSONContainer: UnkeyedEncodingContainer {
    let writer: JSONByteWriter
    let level: Int
    private(set) var count = 0
    var codingPath: [any CodingKey] { [] }

    init(writer: JSONByteWriter, level: Int) {
        self.writer = writer
        self.level = level
    }

    mutating func encodeNil() throws {
        begin()
        writer.writeNull()
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        begin()
        try writer.writeValue(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        begin()
        return KeyedEncodingContainer(
            KeyedJSONContainer<NestedKey>(
                writer: writer,
                level: writer.openNested(UInt8(ascii: "{"), UInt8(ascii: "}"))
            )
        )
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        begin()
        return UnkeyedJSONContainer(writer: writer, level: writer.openNested(UInt8(ascii: "["), UInt8(ascii: "]")))
    }

    mutating func superEncoder() -> any Encoder {
        begin()
        return writer.nestedEncoder()
    }

    private mutating func begin() {
        writer.beginMember(at: level)
        count += 1
    }
}

private struct SingleJSONValue: SingleValueEncodingContainer {
    let writer: JSONByteWriter
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { writer.writeNull() }
    // The primitive overloads default to this one; `writeValue` writes primitives without recursing.
    mutating func encode<T: Encodable>(_ value: T) throws { try writer.writeValue(value) }
}

extension JSONByteWriter {
    /// Opens a container that is a member of the current one (it is closed with its parent or before the
    /// parent's next member).
    fileprivate func openNested(_ opener: UInt8, _ closer: UInt8) -> Int {
        let outer = valueBase
        valueBase = Int.max  // never reuse: a nested container is always new
        defer { valueBase = outer }
        return open(opener, closer)
    }

    /// An encoder for a member whose value is written later through it (`superEncoder`).
    fileprivate func nestedEncoder() -> any Encoder { self }
}
