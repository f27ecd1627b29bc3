public import SluiceCore
public import SluiceTopology

/// Builds the stateless stages of this module from a compiled topology's operators.
public enum StageFactory {
    /// The stage for `op`, or `nil` for kinds implemented elsewhere (dedupe, features, infer, join, drift).
    public static func makeStage(_ op: Operator) throws(OperatorSetupError) -> (any StreamOperator)? {
        switch op {
        case .validate(let v): try ValidateStage(v)
        case .map(let m): try MapStage(m)
        case .filter(let f): try FilterStage(f)
        case .route(let r): try RouteStage(r)
        case .dedupe, .features, .infer, .join, .drift: nil
        }
    }
}
