import Foundation
import Logging
import SluiceCore
import SluiceKafka
import SluiceOperators
import SluiceState
import SluiceTopology
import Synchronization

/// Runs a compiled topology on Kafka: one consumer-group member, one task per (subtopology, partition), tasks
/// run on `processing.threads` threads.
///
/// The hot path is synchronous and batch-oriented: consume a batch and sort its messages by task, then decode
/// and run every task's batch through its operators (tasks side by side on the processing threads, while the
/// engine thread consumes the next batch), hand outputs to the producer, serve delivery reports. Offsets are committed only once every
/// output derived from them is acknowledged (and, for stateful topologies, covered by a checkpoint).
///
/// ```swift
/// let engine = try Engine(topology: topology, factory: factory, options: EngineOptions(showProgress: true))
/// try engine.run()   // returns after `requestStop()` (SIGINT/SIGTERM) with everything drained and committed
/// ```
public final class Engine: @unchecked Sendable {
    let topology: Topology
    let plan: DataflowPlan
    let options: EngineOptions
    let logger: Logger
    let factory: TaskFactory
    /// The in-process broker for `bootstrap: embedded` (see `deinit`).
    var broker: EmbeddedBroker?
    var producer: KafkaProducer!
    var consumer: KafkaConsumer!
    let kafkaConfig: KafkaConfiguration
    let exactlyOnce: Bool
    let stateRoot: String
    /// Source topic → sink topics its messages are copied to unchanged.
    let rawForwards: [String: [String]]
    /// The lineage header copy-only outputs carry (encoded sinks add the same through their encoder).
    let lineageHeaders: [Header]
    /// The same, built once in librdkafka's form (set with the producer).
    var prebuiltLineage: KafkaProducer.PrebuiltHeaders?

    // Engine state, touched only by the thread inside `run`; tasks are added and removed only between batches (the
    // processing threads at most read `taskSlots`, serving delivery reports while they wait for room in the
    // producer queue).
    var tasks: [TaskKey: PartitionTask] = [:]
    /// Tasks by the slot their delivery tokens carry (slot 0 is never used; a removed task leaves nil). Read once
    /// per delivered record; changed only between batches (above), so the runtime's exclusivity check is skipped.
    @exclusivity(unchecked) var taskSlots: [PartitionTask?] = [nil]
    var partitionStates: [TaskKey: PartitionState] = [:]
    var stores: [TaskKey: [String: StoreAdapter]] = [:]
    /// The error that stops the run; set from any thread (processing threads, delivery reports).
    var fatalError: EngineError? {
        get { fatalErrorBox.withLock { $0 } }
        set { fatalErrorBox.withLock { $0 = newValue } }
    }
    private let fatalErrorBox = Mutex<EngineError?>(nil)
    /// Runs tasks' batches side by side (`processing.threads`).
    lazy var workers = ProcessingThreads(count: topology.processing.threads)
    var retired = TaskCounters()
    /// The consume batch running on the processing threads while the next is consumed.
    var running: RunningBatch?
    /// How many of the consumer's retained messages (the oldest) belong to batches already run.
    var releasableMessages = 0
    var lastCheckpointAt = ContinuousClock.now
    var lastCommitAt = ContinuousClock.now
    var transactionOpen = false
    let status = EngineStatusBox()
    var resources: OperatorResources?
    let commands = EngineCommandQueue()
    var sourcesPaused = false
    var lastStatusRefresh = ContinuousClock.now
    var recentBatchSeconds: [Double] = []
    var maxInFlightSeen = 0
    var shuttingDown = false

    private let stopFlag = StopFlag()

    init(topology: Topology, factory: TaskFactory, options: EngineOptions) throws {
        self.topology = topology
        self.plan = DataflowPlan(topology: topology)
        self.rawForwards = plan.rawForwards.mapValues { $0.map(\.topic) }
        self.lineageHeaders = [Header(HeaderNames.lineage, HeaderNames.lineageValue(
            name: topology.metadata.name, version: topology.metadata.version, hash: topology.topologyHashHex))]
        self.options = options
        self.logger = options.logger
        self.factory = factory
        self.exactlyOnce = topology.processing.guarantee == .exactlyOnce
        self.stateRoot = options.stateDirectory ?? topology.processing.checkpoint.directory

        let bootstrap: String
        if let override = options.bootstrapOverride {
            bootstrap = override
        } else if case .servers(let servers) = topology.cluster.bootstrap {
            bootstrap = servers.joined(separator: ",")
        } else {
            let broker = try EmbeddedBroker()
            self.broker = broker
            bootstrap = broker.bootstrapServers
            logger.notice("started the embedded broker", metadata: ["bootstrap": "\(bootstrap)"])
        }
        var config = try ClusterProperties.make(topology.cluster, bootstrap: bootstrap)
        for (k, v) in options.kafkaProperties { config[k] = v }
        self.kafkaConfig = config
    }

    deinit {
        // The clients go before the embedded broker (stored properties would go in declaration order, the broker
        // first): a client whose broker has vanished logs "Connection refused" while it shuts down.
        consumer = nil
        producer = nil
    }

    /// Asks `run` to drain, checkpoint, commit and return. Safe from any thread (signal handlers).
    public func requestStop() { stopFlag.set() }
    var stopRequested: Bool { stopFlag.isSet }

    /// The bootstrap address the engine uses (the embedded broker's when `bootstrap: embedded`).
    public var bootstrapServers: String { kafkaConfig.bootstrapServers }

    /// Current status for the admin API and progress line.
    public var statusSnapshot: EngineStatus { status.snapshot }

    public var applicationID: String { topology.processing.applicationID }

    func changelogTopic(_ operatorID: String) -> String { "\(applicationID)-\(operatorID)-changelog" }
}

/// Identity of a task: subtopology and partition number.
struct TaskKey: Hashable, Sendable, CustomStringConvertible {
    var subtopology: Int
    var partition: Int32
    var description: String { "\(subtopology)_\(partition)" }
}

/// A thread-safe one-way flag.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
