import Foundation
import SluiceCore
@testable import SluiceFeatures

/// A brute-force model of the engine's documented semantics: it keeps every accepted event and
/// recomputes every value from scratch by scanning them. Slow, obviously correct, independent of
/// panes, segments, settling and heaps.
struct Reference {
    struct Ev {
        var time: Int64
        var seq: Int
        var amount: Double?
        var merchant: String?
    }

    struct WindowOut {
        var key: String
        var start: Int64
        var end: Int64
        var values: [String: Value]
    }

    enum Step {
        case event([String: Value])
        case late
    }

    let specs: [AggregateSpec]
    let includeCurrent: Bool
    let maxOutOfOrder: Int64
    var watermark: Int64 = .min
    var maxTime: Int64 = .min
    var accepted: [String: [Ev]] = [:]
    var emitted: Set<String> = []
    var seq = 0

    init(specs: [AggregateSpec], includeCurrent: Bool, maxOutOfOrder: Int64) {
        self.specs = specs
        self.includeCurrent = includeCurrent
        self.maxOutOfOrder = maxOutOfOrder
    }

    mutating func process(_ e: TestEvent) -> (Step, [WindowOut]) {
        let key = String(decoding: e.key, as: UTF8.self)
        let t = e.time
        var step = Step.late
        if !isLate(t) {
            seq += 1
            let ev = Ev(time: t, seq: seq, amount: e.record["amount"]?.asDouble, merchant: e.record["merchant"]?.asString)
            let before = accepted[key, default: []]
            var values: [String: Value] = [:]
            for s in specs {
                let pool = (includeCurrent && s.function != .timeSinceLast) ? before + [ev] : before
                values[s.name] = Self.aggregate(s, members(s, pool, at: t), at: t)
            }
            accepted[key, default: []].append(ev)
            step = .event(values)
        }
        maxTime = max(maxTime, t)
        watermark = max(watermark, maxTime - maxOutOfOrder)
        return (step, closeWindows())
    }

    func isLate(_ t: Int64) -> Bool {
        for s in specs {
            switch s.window {
            case .tumbling(let size), .hopping(let size, _):
                let every: Int64 = if case .hopping(_, let e) = s.window { e } else { size }
                let start = smallestMultiple(of: every, greaterThan: t - size)
                if watermark >= start + size + s.grace { return true }
            default:
                if watermark >= t + 1 + s.grace { return true }
            }
        }
        return false
    }

    func smallestMultiple(of m: Int64, greaterThan x: Int64) -> Int64 {
        var s = (x / m) * m
        while s <= x { s += m }
        while s - m > x { s -= m }
        return s
    }

    /// The events of the window reported for an event at `t`, restricted to time ≤ t, in (time, arrival) order.
    func members(_ s: AggregateSpec, _ pool: [Ev], at t: Int64) -> [Ev] {
        let le = pool.filter { $0.time <= t }.sorted { ($0.time, $0.seq) < ($1.time, $1.seq) }
        switch s.window {
        case .tumbling(let size), .hopping(let size, _):
            let every: Int64 = if case .hopping(_, let e) = s.window { e } else { size }
            let start = smallestMultiple(of: every, greaterThan: t - size)
            return le.filter { $0.time >= start }
        case .sliding(let d): return le.filter { $0.time > t - d }
        case .unbounded: return le
        case .count(let n): return Array(le.suffix(n))
        case .session(let gap):
            var bound = t
            var chain: [Ev] = []
            for ev in le.reversed() {
                guard bound - ev.time < gap else { break }
                chain.append(ev)
                bound = ev.time
            }
            return chain.reversed()
        }
    }

    static func aggregate(_ s: AggregateSpec, _ m: [Ev], at t: Int64) -> Value {
        let usesMerchant: Bool = if case .field("merchant") = s.input { true } else { false }
        let xs = m.compactMap(\.amount)
        let names = m.compactMap(\.merchant)
        let n = Double(xs.count)
        func mean() -> Double { xs.reduce(0, +) / n }
        func m2() -> Double { let mu = mean(); return xs.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } }
        switch s.function {
        case .count:
            if case .none = s.input { return .int(Int64(m.count)) }
            return .int(Int64(usesMerchant ? names.count : xs.count))
        case .sum: return .double(xs.reduce(0, +))
        case .mean: return xs.isEmpty ? .null : .double(mean())
        case .min: return xs.min().map(Value.double) ?? .null
        case .max: return xs.max().map(Value.double) ?? .null
        case .variance(let sample):
            if xs.isEmpty || (sample && xs.count < 2) { return .null }
            return .double(m2() / (sample ? n - 1 : n))
        case .stddev(let sample):
            if xs.isEmpty || (sample && xs.count < 2) { return .null }
            return .double((m2() / (sample ? n - 1 : n)).squareRoot())
        case .distinct: return .int(Int64(Set(names).count))
        case .quantile(let q, _):
            guard !xs.isEmpty else { return .null }
            let sorted = xs.sorted()
            let i = (0..<sorted.count).first { Double($0 + 1) / n >= q } ?? sorted.count - 1
            return .double(sorted[i])
        case .first: return names.first.map(Value.string) ?? .null
        case .last: return names.last.map(Value.string) ?? .null
        case .lastK(let k): return .array(names.suffix(k).map(Value.string))
        case .timeSinceLast: return m.isEmpty ? .null : .int(t - m.map(\.time).max()!)
        case .decayedSum(let h):
            return .double(m.reduce(0) { acc, ev in acc + (ev.amount ?? 0) * exp2(-Double(t - ev.time) / Double(h)) })
        case .decayedMean(let h):
            var sw = 0.0, w = 0.0
            for ev in m { if let a = ev.amount { let f = exp2(-Double(t - ev.time) / Double(h)); sw += a * f; w += f } }
            return w == 0 ? .null : .double(sw / w)
        }
    }

    /// Windows of every key whose end + grace ≤ watermark, not emitted before.
    mutating func closeWindows() -> [WindowOut] {
        guard let s0 = specs.first, s0.window.closes else { return [] }
        var out: [WindowOut] = []
        for (key, evs) in accepted.sorted(by: { $0.key < $1.key }) {
            var windows: [(Int64, Int64, [Ev])] = []
            switch s0.window {
            case .tumbling(let size), .hopping(let size, _):
                let every: Int64 = if case .hopping(_, let e) = s0.window { e } else { size }
                var starts = Set<Int64>()
                for ev in evs {
                    var s = smallestMultiple(of: every, greaterThan: ev.time - size)
                    while s <= ev.time { starts.insert(s); s += every }
                }
                for s in starts.sorted() {
                    windows.append((s, s + size, evs.filter { $0.time >= s && $0.time < s + size }))
                }
            case .session(let gap):
                var cur: [Ev] = []
                for ev in evs.sorted(by: { ($0.time, $0.seq) < ($1.time, $1.seq) }) {
                    if let l = cur.last, ev.time - l.time >= gap {
                        windows.append((cur[0].time, l.time + gap, cur)); cur = []
                    }
                    cur.append(ev)
                }
                if let l = cur.last { windows.append((cur[0].time, l.time + gap, cur)) }
            default: break
            }
            for (start, end, members) in windows where end + s0.grace <= watermark {
                let id = "\(key)|\(start)|\(end)"
                guard emitted.insert(id).inserted else { continue }
                let sorted = members.sorted { ($0.time, $0.seq) < ($1.time, $1.seq) }
                var values: [String: Value] = [:]
                for s in specs { values[s.name] = Self.aggregate(s, sorted, at: end - 1) }
                out.append(WindowOut(key: key, start: start, end: end, values: values))
            }
        }
        return out
    }
}
