import SluiceCore
import SluiceState
import SluiceTopology

/// Decodes one checkpointed state value with its operator's own format (`sluice state get --topology`).
public enum StateDecoder {
    public static func decode(topology: Topology, operatorID: String, key: [UInt8], value: [UInt8]) throws -> Fields {
        guard let op = topology.operator(operatorID) else {
            throw EngineError("topology '\(topology.metadata.name)' has no operator '\(operatorID)'")
        }
        let resources = OperatorResources(topology: topology, logger: .init(label: "sluice.state"), offline: true)
        guard let stateful = try TaskFactory.makeOperator(op, partition: 0, topology: topology, resources: resources) as? any StatefulOperator
        else { throw EngineError("operator '\(operatorID)' keeps no state") }
        let store = try KeyValueStore(name: operatorID)
        try store.put(key, value)
        try stateful.loadState(from: StoreAdapter(store))
        guard let fields = stateful.lookup(key: key) else { throw EngineError("no state for that key") }
        return fields
    }
}
