import Foundation
import SluiceCore

/// A parsed Avro schema (specification 1.11), ready to drive the binary decoder and encoder.
///
/// Types are stored in a flat table indexed by position, so recursive named types (a record that
/// refers to itself) need no reference cycles. Logical types: `timestamp-millis`, `timestamp-micros`,
/// `local-timestamp-*`, `date`, `time-*` and `uuid` keep their underlying representation (an integer
/// count of millis / micros / days, or a string); `decimal` on `bytes` or `fixed` maps to `.double`.
///
/// ```swift
/// let schema = try AvroSchema(json: #"{"type":"record","name":"T","fields":[{"name":"id","type":"long"}]}"#)
/// ```
public struct AvroSchema: Sendable, Hashable {
    enum Node: Sendable, Hashable {
        case null, boolean, int, long, float, double, bytes, string
        case record(name: String, fields: [Field])
        case enumeration(name: String, symbols: [String])
        case array(items: Int)
        case map(values: Int)
        case fixed(name: String, size: Int)
        case union([Int])
        /// Unscaled two's-complement big-endian integer in `bytes` (fixedSize nil) or a `fixed` of that size.
        case decimal(scale: Int, fixedSize: Int?)
    }

    struct Field: Sendable, Hashable {
        var name: String
        var type: Int
        var defaultValue: Value?
    }

    var nodes: [Node]
    var root: Int
    /// Fewest bytes one value of each node can take; bounds block counts against the remaining input.
    var minimumSizes: [Int]

    /// Parses schema JSON text.
    public init(json: String) throws(FormatError) {
        try self.init(jsonBytes: Array(json.utf8))
    }

    /// Parses schema JSON bytes; `file` only labels errors.
    public init(jsonBytes: [UInt8], file: String? = nil) throws(FormatError) {
        let document: Value
        do { document = try parseJSONDocument(jsonBytes) } catch {
            throw FormatError(.invalidSchema, "schema is not valid JSON: \(error.message)", file: file)
        }
        var parser = AvroSchemaParser()
        do {
            root = try parser.parse(document, namespace: nil)
        } catch {
            var located = error
            located.file = file
            throw located
        }
        nodes = parser.nodes
        minimumSizes = []
        minimumSizes = computeMinimumSizes()
    }

    /// Reads and parses a schema file (`.avsc`).
    public static func load(path: String) throws(FormatError) -> AvroSchema {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FormatError(.unreadableFile, "cannot read Avro schema file", file: path)
        }
        return try AvroSchema(jsonBytes: Array(data), file: path)
    }

    /// The full name of the top-level record, if the schema is a record.
    public var recordName: String? {
        if case .record(let name, _) = nodes[root] { return name }
        return nil
    }

    /// Names of the top-level record's fields in schema order (what a decoded record will contain).
    public var fieldNames: [String] {
        if case .record(_, let fields) = nodes[root] { return fields.map(\.name) }
        return []
    }

    private func computeMinimumSizes() -> [Int] {
        var sizes = [Int](repeating: -1, count: nodes.count)
        func size(_ i: Int) -> Int {
            if sizes[i] >= 0 { return sizes[i] }
            sizes[i] = 0  // a cycle back to this node counts as 0: conservative, never too big
            let s: Int
            switch nodes[i] {
            case .null: s = 0
            case .boolean, .int, .long, .bytes, .string, .enumeration, .array, .map, .union: s = 1
            case .decimal(_, let fixed): s = fixed ?? 1
            case .float: s = 4
            case .double: s = 8
            case .fixed(_, let n): s = n
            case .record(_, let fields): s = fields.reduce(0) { $0 + size($1.type) }
            }
            sizes[i] = s
            return s
        }
        for i in nodes.indices { _ = size(i) }
        return sizes
    }
}
