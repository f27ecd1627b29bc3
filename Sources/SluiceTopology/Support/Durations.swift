/// Parses durations written as `500ms`, `10s`, `5m`, `1h`, `7d` or combinations such as `1h30m`.
public enum Durations {
    /// Milliseconds for `text`, or `nil` when it is not a duration. A bare `0` is accepted.
    public static func milliseconds(_ text: String) -> Int64? {
        let s = Array(text.trimmingCharacters(in: .whitespaces).unicodeScalars)
        if s.isEmpty { return nil }
        if s.count == 1, s[0] == "0" { return 0 }
        var i = 0
        var total: Int64 = 0
        var lastRank = Int.max
        while i < s.count {
            var number: Int64 = 0
            let start = i
            while i < s.count, (48...57).contains(s[i].value) {
                let digit = Int64(s[i].value - 48)
                let (m, o1) = number.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(digit)
                if o1 || o2 { return nil }
                number = a
                i += 1
            }
            if i == start { return nil }
            var unit = ""
            while i < s.count, (97...122).contains(s[i].value) {
                unit.unicodeScalars.append(s[i])
                i += 1
            }
            guard let (factor, rank) = units[unit], rank < lastRank else { return nil }
            lastRank = rank
            let (product, overflow) = number.multipliedReportingOverflow(by: factor)
            if overflow { return nil }
            total += product
        }
        return total
    }

    /// Renders milliseconds back in the largest exact units (`90000` → `1m30s`), for graphs and docs.
    public static func format(_ ms: Int64) -> String {
        if ms == 0 { return "0s" }
        var rest = ms
        var out = ""
        for (unit, factor) in [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)] as [(String, Int64)] {
            if rest >= factor {
                out += "\(rest / factor)\(unit)"
                rest %= factor
            }
        }
        return out
    }

    /// Unit → (milliseconds, rank); ranks must strictly decrease along a combined duration.
    private static let units: [String: (Int64, Int)] = [
        "d": (86_400_000, 5), "h": (3_600_000, 4), "m": (60_000, 3), "s": (1_000, 2), "ms": (1, 1),
    ]
}

import Foundation
