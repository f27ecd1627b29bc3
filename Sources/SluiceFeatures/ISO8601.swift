/// A small, allocation-free ISO-8601 / RFC 3339 parser (Foundation's formatter is slow and not needed
/// for the one shape event times take).
///
/// Accepted: `YYYY-MM-DD`, optionally followed by `T` or a space and `hh:mm[:ss[.fraction]]`, then `Z`,
/// `±hh:mm`, `±hhmm` or nothing (UTC assumed). Fractions beyond milliseconds are truncated.
enum ISO8601 {
    static func parseMillis(_ s: String) -> Int64? {
        var u = Array(s.utf8)[...]
        func digits(_ n: Int) -> Int64? {
            guard u.count >= n else { return nil }
            var v: Int64 = 0
            for _ in 0..<n {
                let c = u.first!
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
                u = u.dropFirst()
            }
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard u.first == c else { return false }
            u = u.dropFirst()
            return true
        }
        guard let year = digits(4), expect(45), let month = digits(2), expect(45), let day = digits(2),
              (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        var ms: Int64 = 0
        if let c = u.first, c == 84 || c == 116 || c == 32 {  // T, t, space
            u = u.dropFirst()
            guard let h = digits(2), expect(58), let mi = digits(2), h < 24, mi < 60 else { return nil }
            var sec: Int64 = 0
            if expect(58) {
                guard let s2 = digits(2), s2 < 61 else { return nil }
                sec = s2
            }
            var frac: Int64 = 0
            if let c = u.first, c == 46 || c == 44 {  // . or ,
                u = u.dropFirst()
                var n = 0
                while let d = u.first, d >= 48 && d <= 57 {
                    if n < 3 { frac = frac * 10 + Int64(d - 48) }
                    n += 1
                    u = u.dropFirst()
                }
                guard n > 0 else { return nil }
                for _ in min(n, 3)..<3 { frac *= 10 }
            }
            ms = ((h * 60 + mi) * 60 + sec) * 1000 + frac
            if let c = u.first, c == 43 || c == 45 {  // + or -
                u = u.dropFirst()
                guard let oh = digits(2) else { return nil }
                _ = expect(58)
                guard let om = digits(2), oh < 24, om < 60 else { return nil }
                let offset = (oh * 60 + om) * 60_000
                ms -= c == 43 ? offset : -offset
            } else if let c = u.first, c == 90 || c == 122 {  // Z, z
                u = u.dropFirst()
            }
        }
        guard u.isEmpty else { return nil }
        return daysFromCivil(year: year, month: month, day: day) * 86_400_000 + ms
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Howard Hinnant's days_from_civil: days since 1970-01-01 in the proleptic Gregorian calendar.
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
