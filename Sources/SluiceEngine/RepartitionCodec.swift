import SluiceCore
import SluiceExpressions
import SluiceFormats
import SluiceTopology

/// Writes records to a repartition topic keyed by an expression, and reads them back: fields as JSON, event
/// time and the original headers carried in headers, so the downstream subtopology sees the same record.
final class RepartitionCodec: SourceDecoding, SinkEncoding {
    static let eventTimeHeader = "sluice-event-time"
    let topic: String
    private let key: CompiledExpression?
    private let encoder = JSONRecordEncoder(nonFinite: .null)
    private let decoder = JSONRecordDecoder()

    /// The reading side.
    init(topic: String) {
        self.topic = topic
        self.key = nil
    }

    /// The writing side.
    init(topic: String, key: SluiceTopology.Expression) throws {
        self.topic = topic
        do {
            self.key = try SluiceExpressions.Expression.parse(key.text).compile()
        } catch {
            throw EngineError("\(key.location): repartition key '\(key.text)': \(error)")
        }
    }

    func encode(_ record: Record, value: inout [UInt8], key keyBytes: inout [UInt8]?, headers: inout [Header], now: Int64)
        throws(RecordError)
    {
        if let key {
            switch try key.evaluate(record, EvaluationContext(now: record.timestamp)) {
            case .null: throw RecordError(.missingField, "the repartition key '\(key.expression.text)' is null")
            case .string(let s): keyBytes = Array(s.utf8)
            case let v: keyBytes = Array(v.expressionText.utf8)
            }
        }
        value.removeAll(keepingCapacity: true)
        try encoder.encode(record.fields, into: &value)
        headers.clearKeepingCapacity()  // a record carries few headers: see `clearKeepingCapacity`
        for h in record.headers where h.name != Self.eventTimeHeader { headers.append(h) }
        if let t = record.eventTime { headers.append(Header(Self.eventTimeHeader, String(t))) }
    }

    func decode(key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, headers: [Header], timestamp: Int64, origin: RecordOrigin)
        throws(RecordError) -> Record
    {
        guard let value else { throw RecordError(.decode, "null value on repartition topic \(topic)") }
        let raw = Array(value)  // decoded from this copy, so that a JSON sink can copy what is unchanged
        var record = Record(fields: try decoder.decode(raw), key: key.map { Array($0) }, headers: headers,
                            timestamp: timestamp, origin: origin, raw: raw)
        if let h = headers.last(where: { $0.name == Self.eventTimeHeader }), let v = h.value, let t = Int64(String(decoding: v, as: UTF8.self)) {
            record.eventTime = t
        }
        return record
    }
}
