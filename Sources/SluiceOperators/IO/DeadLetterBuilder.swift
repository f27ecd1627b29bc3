public import SluiceCore
import SluiceFormats
public import SluiceTopology

/// A Kafka message for a dead-letter topic.
public struct DeadLetterMessage: Sendable {
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [Header]
}

/// Builds dead-letter messages: the original bytes (or, for records made in flight, their fields as
/// JSON), the original key, and the original headers followed by the reason and the provenance:
///
/// | header | value |
/// |---|---|
/// | `sluice-error-code` | `RecordError.Code` raw value, e.g. `OUT_OF_RANGE` |
/// | `sluice-error-field` | the field at fault (omitted when the error names none) |
/// | `sluice-error-message` | the human-readable reason |
/// | `sluice-source-topic`, `-partition`, `-offset` | where the record was read (omitted without an origin) |
/// | `sluice-operator` | the id of the operator that rejected it |
/// | `sluice-topology`, `sluice-topology-version` | the topology's name and version |
///
/// Copies of these headers already on the record (a replayed dead-letter topic) are replaced.
public struct DeadLetterBuilder: Sendable {
    public let topologyName: String
    public let topologyVersion: String
    private let encoder = JSONRecordEncoder(nonFinite: .null)

    public init(topologyName: String, topologyVersion: String) {
        self.topologyName = topologyName
        self.topologyVersion = topologyVersion
    }

    public init(topology: Topology) {
        self.init(topologyName: topology.metadata.name, topologyVersion: topology.metadata.version)
    }

    /// The message for `record`, rejected by `operatorID` for `error`.
    public func build(_ record: Record, error: RecordError, operatorID: String) -> DeadLetterMessage {
        var value: [UInt8]
        if let raw = record.raw {
            value = raw
        } else {
            value = []
            // NaN and infinities become null, so building a dead letter itself never fails.
            do { try encoder.encode(record.fields, into: &value) } catch {
                value = Array("{}".utf8)
            }
        }
        var headers = record.headers.filter { !HeaderNames.deadLetter.contains($0.name) }
        headers.reserveCapacity(headers.count + 9)
        headers.append(Header(HeaderNames.errorCode, error.code.rawValue))
        if let field = error.field { headers.append(Header(HeaderNames.errorField, field)) }
        headers.append(Header(HeaderNames.errorMessage, error.message))
        if let origin = record.origin {
            headers.append(Header(HeaderNames.sourceTopic, origin.topic))
            headers.append(Header(HeaderNames.sourcePartition, String(origin.partition)))
            headers.append(Header(HeaderNames.sourceOffset, String(origin.offset)))
        }
        headers.append(Header(HeaderNames.operator, operatorID))
        headers.append(Header(HeaderNames.topology, topologyName))
        headers.append(Header(HeaderNames.topologyVersion, topologyVersion))
        return DeadLetterMessage(key: record.key, value: value, headers: headers)
    }
}

/// Dead letters counted per operator and reason code (for metrics such as
/// `sluice_dead_letters_total{operator="valid_orders",code="OUT_OF_RANGE"}`).
///
/// A value type owned by one partition task; the engine merges tasks' counters when it reports.
public struct DeadLetterCounters: Sendable, Hashable {
    public struct Key: Sendable, Hashable {
        public var operatorID: String
        public var code: RecordError.Code
        public init(operatorID: String, code: RecordError.Code) {
            self.operatorID = operatorID
            self.code = code
        }
    }

    public private(set) var counts: [Key: Int] = [:]

    public init() {}

    public mutating func add(operatorID: String, code: RecordError.Code, count: Int = 1) {
        counts[Key(operatorID: operatorID, code: code), default: 0] += count
    }

    /// Counts every dead letter of one operator's batch output.
    public mutating func add(_ output: OperatorOutput, operatorID: String) {
        for d in output.deadLetters { add(operatorID: operatorID, code: d.error.code) }
    }

    public mutating func merge(_ other: DeadLetterCounters) {
        for (k, v) in other.counts { counts[k, default: 0] += v }
    }

    public func count(operatorID: String, code: RecordError.Code) -> Int {
        counts[Key(operatorID: operatorID, code: code)] ?? 0
    }

    /// All dead letters of one operator, whatever the reason.
    public func total(operatorID: String) -> Int {
        counts.reduce(0) { $0 + ($1.key.operatorID == operatorID ? $1.value : 0) }
    }

    public var total: Int { counts.values.reduce(0, +) }

    /// Sorted by operator id, then code: stable for metrics output.
    public var entries: [(operatorID: String, code: RecordError.Code, count: Int)] {
        counts.map { ($0.key.operatorID, $0.key.code, $0.value) }
            .sorted { ($0.operatorID, $0.code.rawValue) < ($1.operatorID, $1.code.rawValue) }
    }
}
