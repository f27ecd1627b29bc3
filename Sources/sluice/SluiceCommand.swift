import ArgumentParser

@main
struct SluiceCommand: AsyncParsableCommand {
    /// ArgumentParser's entry point, after the allocator tuning (which may execute the binary again).
    static func main() async {
        AllocatorTuning.reexecIfNeeded()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "A Kafka stream processor for machine-learning operations.",
        subcommands: [
            ValidateCommand.self,
            GraphCommand.self,
            RunCommand.self,
            StateCommand.self,
            ModelCommand.self,
            BackfillCommand.self,
            ProfileCommand.self,
            DriftCommand.self,
            TailCommand.self,
            AdminCommand.self,
            DevBrokerCommand.self,
            DemoCommand.self,
            BenchCommand.self,
        ]
    )
}
