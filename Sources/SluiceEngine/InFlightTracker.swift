/// Tracks, for one partition task, which consumed offsets are safe to commit: a batch's end offsets become
/// committable once every output derived from it (and from every earlier batch) has been acknowledged.
struct InFlightTracker {
    struct Batch {
        var seq: UInt64
        /// Next offsets to read after this batch, per topic.
        var endOffsets: [String: Int64]
        var outstanding: Int
        var sealed: Bool
    }

    private var batches: [Batch] = []
    private var head = 0
    private var nextSeq: UInt64 = 1
    /// The latest end offsets whose batch and all earlier batches are fully acknowledged.
    private(set) var completedOffsets: [String: Int64] = [:]

    /// Batches not yet fully acknowledged.
    var inFlight: Int { batches.count - head }

    /// Starts a batch; outputs are counted with `addOutstanding` and acknowledged with `acknowledge`.
    mutating func begin(endOffsets: [String: Int64]) -> UInt64 {
        let seq = nextSeq
        nextSeq += 1
        batches.append(Batch(seq: seq, endOffsets: endOffsets, outstanding: 0, sealed: false))
        return seq
    }

    /// Sets a batch's end offsets once its last record is known (batches begun before dispatch).
    mutating func setEndOffsets(_ seq: UInt64, _ offsets: [String: Int64]) {
        if let i = index(of: seq) { batches[i].endOffsets = offsets }
    }

    /// Counts `count` more outputs of a batch. Acknowledgements may arrive before their outputs are counted
    /// (senders count in bulk): an unsealed batch never completes, so a count below zero is harmless until then.
    mutating func addOutstanding(_ seq: UInt64, count: Int = 1) {
        if let i = index(of: seq) { batches[i].outstanding += count }
    }

    /// Marks the batch complete from the producer's side (no more outputs will be added), counting the last
    /// `outstanding` outputs sent for it.
    mutating func seal(_ seq: UInt64, adding outstanding: Int = 0) {
        if let i = index(of: seq) {
            batches[i].outstanding += outstanding
            batches[i].sealed = true
        }
        advance()
    }

    mutating func acknowledge(_ seq: UInt64) {
        if let i = index(of: seq) { batches[i].outstanding -= 1 }
        advance()
    }

    private func index(of seq: UInt64) -> Int? {
        guard head < batches.count else { return nil }
        let i = head + Int(seq &- batches[head].seq)
        return i >= head && i < batches.count && batches[i].seq == seq ? i : nil
    }

    private mutating func advance() {
        while head < batches.count, batches[head].sealed, batches[head].outstanding <= 0 {
            for (topic, offset) in batches[head].endOffsets { completedOffsets[topic] = offset }
            head += 1
        }
        if head > 1024 && head * 2 > batches.count {
            batches.removeFirst(head)
            head = 0
        }
    }
}

/// A delivery token: the task slot in the high bits, the batch sequence number in the low 40.
enum DeliveryToken {
    static func make(slot: Int, seq: UInt64) -> UInt { UInt(slot) << 40 | UInt(seq & 0xFF_FFFF_FFFF) }
    static func slot(_ token: UInt) -> Int { Int(token >> 40) }
    static func seq(_ token: UInt) -> UInt64 { UInt64(token & 0xFF_FFFF_FFFF) }
}
