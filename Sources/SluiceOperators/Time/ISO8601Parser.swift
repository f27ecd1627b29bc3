/// Parses ISO 8601 / RFC 3339 timestamps in the extended format into epoch milliseconds, without
/// Foundation formatters (no allocation, no locale).
///
/// Accepted: `2024-03-01`, `2024-03-01T12:30`, `2024-03-01T12:30:45`, fractions with `.` or `,`
/// (truncated to milliseconds), a `T`, `t` or space separator, and a zone `Z`, `z`, `±HH:MM`, `±HHMM`
/// or `±HH`. Without a zone the time is taken as UTC. Seconds may be 60 (a leap second).
enum ISO8601Parser {
    static func parse(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    static func parse(bytes b: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        func digits(_ n: Int) -> Int64? {
            guard i + n <= b.count else { return nil }
            var v: Int64 = 0
            for k in i..<(i + n) {
                let d = b[k] &- 0x30
                guard d < 10 else { return nil }
                v = v * 10 + Int64(d)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2), expect(UInt8(ascii: "-")),
              let day = digits(2), (1...12).contains(month), day >= 1, day <= CivilDate.daysInMonth(year: year, month: month)
        else { return nil }
        var ms = CivilDate.toDays(year: year, month: month, day: day) * 86_400_000
        guard i < b.count else { return ms }
        guard b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == UInt8(ascii: " ") else { return nil }
        i += 1
        guard let hour = digits(2), hour <= 23, expect(UInt8(ascii: ":")), let minute = digits(2), minute <= 59 else { return nil }
        ms += hour * 3_600_000 + minute * 60_000
        if expect(UInt8(ascii: ":")) {
            guard let second = digits(2), second <= 60 else { return nil }
            ms += second * 1000
            if i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
                i += 1
                var scale: Int64 = 100
                let start = i
                while i < b.count, b[i] &- 0x30 < 10 {
                    ms += Int64(b[i] &- 0x30) * scale
                    scale /= 10
                    i += 1
                }
                guard i > start else { return nil }
            }
        }
        guard i < b.count else { return ms }
        switch b[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign: Int64 = b[i] == UInt8(ascii: "+") ? 1 : -1
            i += 1
            guard let oh = digits(2), oh <= 23 else { return nil }
            var om: Int64 = 0
            if i < b.count {
                _ = expect(UInt8(ascii: ":"))
                guard let m = digits(2), m <= 59 else { return nil }
                om = m
            }
            // Local time = UTC + offset, so UTC = local − offset.
            ms -= sign * (oh * 3_600_000 + om * 60_000)
        default:
            return nil
        }
        return i == b.count ? ms : nil
    }
}
