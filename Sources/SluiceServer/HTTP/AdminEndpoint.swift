import Hummingbird

/// Every admin API route with the role it requires: the single table the router, the docs and the
/// RBAC tests are built from. `/metrics`, `/healthz` and `/readyz` are not here: they need no token.
public enum AdminEndpoint: String, Sendable, Hashable, CaseIterable {
    case topology
    case graph
    case partitions
    case state
    case models
    case predict
    case checkpoint
    case pauseSources
    case resumeSources
    case activateModel
    case rollbackModel

    /// `GET` or `POST`.
    public var method: HTTPRequest.Method {
        switch self {
        case .topology, .graph, .partitions, .state, .models: .get
        case .predict, .checkpoint, .pauseSources, .resumeSources, .activateModel, .rollbackModel: .post
        }
    }

    /// The route, with `:name` path parameters.
    public var pattern: String {
        switch self {
        case .topology: "/api/v1/topology"
        case .graph: "/api/v1/topology/graph"
        case .partitions: "/api/v1/partitions"
        case .state: "/state/:operator/:key"
        case .models: "/api/v1/models"
        case .predict: "/models/:name/predict"
        case .checkpoint: "/api/v1/checkpoint"
        case .pauseSources: "/api/v1/sources/pause"
        case .resumeSources: "/api/v1/sources/resume"
        case .activateModel: "/api/v1/models/:name/activate"
        case .rollbackModel: "/api/v1/models/:name/rollback"
        }
    }

    /// The least role that may call this endpoint.
    public var requiredRole: Role {
        switch self {
        case .topology, .graph, .partitions, .state, .models: .viewer
        case .predict, .checkpoint, .pauseSources, .resumeSources: .operator
        case .activateModel, .rollbackModel: .admin
        }
    }

    /// Whether the call changes the running topology and is therefore written to the audit log.
    /// `predict` is a POST but only scores: it is not audited, so it can serve online traffic.
    public var isMutating: Bool {
        switch self {
        case .checkpoint, .pauseSources, .resumeSources, .activateModel, .rollbackModel: true
        case .topology, .graph, .partitions, .state, .models, .predict: false
        }
    }
}
