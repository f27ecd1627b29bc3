/// Integer time arithmetic on epoch milliseconds that never traps: the "no watermark yet" value is
/// `Int64.min`, and adding a grace period to it must stay `Int64.min`, not overflow.
enum TimeMath {
    @inline(__always)
    static func add(_ a: Int64, _ b: Int64) -> Int64 {
        let (r, o) = a.addingReportingOverflow(b)
        return o ? (b > 0 ? .max : .min) : r
    }

    @inline(__always)
    static func sub(_ a: Int64, _ b: Int64) -> Int64 {
        let (r, o) = a.subtractingReportingOverflow(b)
        return o ? (b > 0 ? .min : .max) : r
    }

    /// Floor division (rounds towards negative infinity), so windows before 1970 line up too.
    @inline(__always)
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// The largest multiple of `m` that is <= `a`.
    @inline(__always)
    static func floorTo(_ a: Int64, _ m: Int64) -> Int64 { floorDiv(a, m) &* m }

    static func gcd(_ a: Int64, _ b: Int64) -> Int64 {
        var (x, y) = (a, b)
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }
}
