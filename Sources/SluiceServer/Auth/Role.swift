/// What a token may do. Each role includes the rights of the roles before it.
///
/// - `viewer`: read-only (every GET of the admin API).
/// - `operator`: viewer + predict, trigger a checkpoint, pause and resume sources.
/// - `admin`: everything, including model activate and rollback.
public enum Role: String, Codable, Sendable, Hashable, CaseIterable, Comparable {
    case viewer
    case `operator`
    case admin

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .operator: 1
        case .admin: 2
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }

    /// Whether this role may call an endpoint that requires `required`.
    public func satisfies(_ required: Role) -> Bool { self >= required }
}

/// The authenticated caller of an admin request, as written to the audit log.
public struct Principal: Sendable, Hashable {
    public var name: String
    public var role: Role

    public init(name: String, role: Role) {
        self.name = name
        self.role = role
    }
}
