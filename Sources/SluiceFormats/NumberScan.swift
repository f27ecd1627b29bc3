/// Scans a decimal number (JSON grammar, or a lenient CSV variant) without allocating.
///
/// Integers that fit `Int64` stay integers. Everything else becomes a correctly rounded `Double`:
/// the common case (≤ 2^53 mantissa, |exponent| ≤ 22) uses the exact Clinger fast path, the rest
/// falls back to the standard library's correctly rounded, locale-independent parser.
enum NumberScan {
    enum Outcome {
        case int(Int64)
        case double(Double)
        /// The grammar was violated at this byte offset; `expected` says what should have come.
        case syntax(at: Int, expected: String)
        /// The value's magnitude exceeds `Double` (e.g. `1e400`).
        case tooLarge
    }

    /// 10^k for 0 ≤ k ≤ 22 (exact doubles).
    @inline(__always) static func powerOf10(_ k: Int) -> Double { powersOf10[k] }

    private static let powersOf10: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Scans from `start`; stops at the first byte that cannot continue the number and returns its offset.
    /// `lenient` (CSV cells) also accepts a leading `+`, leading zeros, `.5` and `5.`.
    static func scan(_ base: UnsafeRawPointer, _ start: Int, _ end: Int, lenient: Bool) -> (Outcome, Int) {
        @inline(__always) func at(_ i: Int) -> UInt8 { i < end ? base.load(fromByteOffset: i, as: UInt8.self) : 0 }
        @inline(__always) func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }
        var i = start
        var negative = false
        if at(i) == UInt8(ascii: "-") {
            negative = true
            i += 1
        } else if lenient && at(i) == UInt8(ascii: "+") {
            i += 1
        }
        var mantissa: UInt64 = 0
        var overflow = false  // more significant digits than fit: exact fast paths are off
        var exp10 = 0
        let intStart = i
        while isDigit(at(i)) {
            let d = UInt64(at(i) &- UInt8(ascii: "0"))
            if mantissa <= (UInt64.max - 9) / 10 { mantissa = mantissa * 10 + d } else { overflow = true; exp10 += 1 }
            i += 1
        }
        let intDigits = i - intStart
        if !lenient {
            if intDigits == 0 { return (.syntax(at: i, expected: "a digit"), i) }
            if intDigits > 1 && at(intStart) == UInt8(ascii: "0") {
                return (.syntax(at: intStart + 1, expected: "no leading zeros"), i)
            }
        }
        var isInteger = true
        if at(i) == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            let fracStart = i
            while isDigit(at(i)) {
                let d = UInt64(at(i) &- UInt8(ascii: "0"))
                if mantissa <= (UInt64.max - 9) / 10 { mantissa = mantissa * 10 + d; exp10 -= 1 } else { overflow = true }
                i += 1
            }
            let fracDigits = i - fracStart
            if fracDigits == 0 && (!lenient || intDigits == 0) { return (.syntax(at: i, expected: "a digit after '.'"), i) }
        } else if intDigits == 0 {
            return (.syntax(at: i, expected: "a digit"), i)
        }
        if at(i) == UInt8(ascii: "e") || at(i) == UInt8(ascii: "E") {
            isInteger = false
            i += 1
            var expNegative = false
            if at(i) == UInt8(ascii: "+") || at(i) == UInt8(ascii: "-") {
                expNegative = at(i) == UInt8(ascii: "-")
                i += 1
            }
            guard isDigit(at(i)) else { return (.syntax(at: i, expected: "a digit in the exponent"), i) }
            var e = 0
            while isDigit(at(i)) {
                if e < 1_000_000 { e = e * 10 + Int(at(i) &- UInt8(ascii: "0")) }
                i += 1
            }
            exp10 += expNegative ? -e : e
        }
        if isInteger && !overflow {
            if negative && mantissa <= UInt64(Int64.max) + 1 { return (.int(Int64(truncatingIfNeeded: 0 &- mantissa)), i) }
            if !negative && mantissa <= UInt64(Int64.max) { return (.int(Int64(mantissa)), i) }
        }
        if mantissa == 0 && !overflow { return (.double(negative ? -0.0 : 0.0), i) }
        if !overflow && mantissa <= 1 << 53 && exp10 >= -22 && exp10 <= 22 {
            var d = Double(mantissa)
            d = exp10 < 0 ? d / powersOf10[-exp10] : d * powersOf10[exp10]
            return (.double(negative ? -d : d), i)
        }
        // Slow path: rare in practice (long mantissas, big exponents). Short slices stay inline strings.
        let text = ByteText.string(base + start, i - start)
        guard let d = Double(text) else { return (.syntax(at: start, expected: "a number"), i) }
        return (d.isFinite ? .double(d) : .tooLarge, i)
    }
}
