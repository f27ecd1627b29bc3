import ArgumentParser

@main
struct SluiceCommand: AsyncParsableCommand {
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
