extension Array {
    /// Same result as `removeAll(keepingCapacity: true)`. Why: that goes through generic range
    /// replacement, a few hundred instructions even for the one or two elements a per-key buffer
    /// usually holds when it drains (once per key and aggregate on most records); popping them is a
    /// few instructions each.
    mutating func clearKeepingCapacity() {
        while !isEmpty { removeLast() }
    }
}
