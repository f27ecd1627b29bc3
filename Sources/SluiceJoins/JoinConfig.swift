/// Configuration of a stream–stream interval `join`.
///
/// ```yaml
/// - id: outcome
///   type: join
///   left: score
///   right: labels
///   on: event_id
///   within: 7d
///   emit: left_outer          # or matched (default)
///   right_fields: [label]     # written as null when a left record expires unmatched
/// ```
public struct JoinConfig: Sendable, Equatable {
    public enum Emit: String, Sendable, Equatable {
        /// Only joined pairs.
        case matched
        /// Joined pairs, plus each left record that expires without a match, with `rightFields` set to null.
        case leftOuter = "left_outer"
    }

    public var id: String
    /// The field both sides are joined on.
    public var on: String
    /// The time bound in milliseconds: a pair joins when |t_left − t_right| ≤ within.
    public var within: Int64
    public var emit: Emit
    /// Prefix for the right record's fields in the output (`nil`: no prefix; on a name clash the left value wins).
    public var rightPrefix: String?
    /// The right-side fields a `left_outer` output carries as null (before `rightPrefix`).
    public var rightFields: [String]

    public init(id: String, on: String, within: Int64, emit: Emit = .matched, rightPrefix: String? = nil,
                rightFields: [String] = []) {
        self.id = id
        self.on = on
        self.within = within
        self.emit = emit
        self.rightPrefix = rightPrefix
        self.rightFields = rightFields
    }
}
