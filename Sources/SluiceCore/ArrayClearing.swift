extension Array {
    /// Same result as `removeAll(keepingCapacity: true)`. Why: that goes through generic range
    /// replacement, a few hundred instructions even for the one or two elements a per-key buffer or a
    /// record's header list usually holds (once per record, or per key and aggregate); popping them is a few
    /// instructions each. Meant for short arrays: it costs one step per element.
    @inlinable public mutating func clearKeepingCapacity() {
        while !isEmpty { removeLast() }
    }
}
