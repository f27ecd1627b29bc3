import Foundation
import SluiceCore

/// A seeded generator of card transactions as JSON (the demo's and the benchmarks' input).
///
/// After `driftAfter` events the distribution shifts (larger amounts, more online/electronics spend,
/// longer distances) so that drift detection has something to find.
struct SyntheticTransactions {
    static let countries = ["AE", "SA", "QA", "KW", "BH", "OM"]
    static let categories = ["grocery", "fuel", "restaurant", "online_retail", "electronics", "travel", "jewelry", "gaming"]
    static let baseWeights: [Double] = [0.30, 0.15, 0.20, 0.15, 0.06, 0.06, 0.04, 0.04]
    static let driftWeights: [Double] = [0.12, 0.08, 0.10, 0.30, 0.20, 0.08, 0.06, 0.06]

    var rng: SplitMix64
    let users: Int
    let driftAfter: Int?
    let invalidEvery: Int?
    private(set) var produced = 0
    var startTime: Int64
    let spacing: Int64

    init(seed: UInt64 = 42, users: Int = 10_000, driftAfter: Int? = nil, invalidEvery: Int? = nil,
         startTime: Int64 = 1_764_000_000_000, spacing: Int64 = 20) {
        self.spacing = spacing
        rng = SplitMix64(seed: seed)
        self.users = users
        self.driftAfter = driftAfter
        self.invalidEvery = invalidEvery
        self.startTime = startTime
    }

    var isDrifted: Bool { driftAfter.map { produced >= $0 } ?? false }

    /// The last event's facts, for its (delayed) label.
    private(set) var last: (eventID: String, ts: Int64, amount: Double, distance: Double, category: String) = ("", 0, 0, 0, "")

    /// Appends the next event's JSON to `out` and returns its key (the user id).
    mutating func next(into out: inout [UInt8]) -> String {
        let i = produced
        produced += 1
        let drifted = isDrifted
        let user = "u\(Int(rng.next() % UInt64(users)))"
        let weights = drifted ? Self.driftWeights : Self.baseWeights
        let category = Self.categories[pick(weights)]
        let mean = drifted ? 4.1 : 3.6
        var amount = (exp(mean + 0.9 * normal()) * 100).rounded() / 100
        let ts = startTime + Int64(i) * spacing + Int64(rng.next() % UInt64(max(spacing * 3 / 4, 1)))
        let distance = (abs(normal()) * (drifted ? 60 : 15) * 10).rounded() / 10
        let country = Self.countries[Int(rng.next() % UInt64(Self.countries.count))]
        if let every = invalidEvery, i % every == every - 1 { amount = -amount }  // fails validation: min 0
        let merchant = "m\(Int(rng.next() % 500))"
        last = ("e\(i)", ts, abs(amount), distance, category)
        out.append(contentsOf: Array(#"{"event_id":"e\#(i)","user_id":"\#(user)","amount":\#(amount),"country":"\#(country)","merchant":"\#(merchant)","merchant_category":"\#(category)","distance_km":\#(distance),"ts":\#(ts)}"#.utf8))
        return user
    }

    /// A label for an event: fraud is likelier for large, far-away, online/electronics/jewelry spend.
    /// The label of the last event, as JSON for the labels topic (decided `delayMs` after the event).
    mutating func lastLabel(delayMs: Int64) -> (key: String, json: String) {
        let l = label(amount: last.amount, distance: last.distance, category: last.category)
        return (last.eventID, #"{"event_id":"\#(last.eventID)","label":\#(l),"labelled_at":\#(last.ts + delayMs)}"#)
    }

    mutating func label(amount: Double, distance: Double, category: String) -> Int {
        var logit = -4.0 + 0.6 * log1p(amount) / 3 + distance / 80
        if ["online_retail", "electronics", "jewelry", "gaming"].contains(category) { logit += 1.0 }
        let p = 1 / (1 + exp(-logit))
        return uniform() < p ? 1 : 0
    }

    mutating func uniform() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }

    mutating func normal() -> Double {
        let u1 = max(uniform(), 1e-12)
        let u2 = uniform()
        return sqrt(-2 * log(u1)) * cos(2 * .pi * u2)
    }

    private mutating func pick(_ weights: [Double]) -> Int {
        var u = uniform()
        for (i, w) in weights.enumerated() {
            if u < w { return i }
            u -= w
        }
        return weights.count - 1
    }
}
