/// Appending primitives shared by the encoders; all write into a caller-owned `[UInt8]`.
enum ByteWriter {
    /// Decimal digits of `value`, without an intermediate String.
    @inline(__always)
    static func appendInt(_ value: Int64, to out: inout [UInt8]) {
        if value >= 0 && value < 10 {
            out.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var magnitude = value.magnitude
        if value < 0 { out.append(UInt8(ascii: "-")) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var n = 0
            while magnitude > 0 {
                digits[19 - n] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                n += 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[(20 - n)...]))
        }
    }

    /// Shortest representation that reads back as the same `Double` (Swift's `description`).
    /// Only call with finite values. Most results are ≤ 15 bytes, so the String stays inline.
    @inline(__always)
    static func appendDouble(_ value: Double, to out: inout [UInt8]) {
        var text = value.description
        text.withUTF8 { out.append(contentsOf: $0) }
    }

    @inline(__always)
    static func appendString(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { out.append(contentsOf: $0) }
    }
}
