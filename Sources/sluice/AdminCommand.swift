import ArgumentParser
import Foundation
import SluiceServer

struct AdminCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin", abstract: "Admin API credentials.", subcommands: [TokenCommand.self])

    struct TokenCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "token", abstract: "Admin API tokens.", subcommands: [Create.self])

        struct Create: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Create a bearer token; only its SHA-256 is stored in the tokens file, the token is printed once.")
            @Option(help: "Who the token is for (appears in the audit log).") var name: String
            @Option(help: "viewer, operator or admin.") var role: String
            @Option(help: "Tokens file to append to (created with mode 0600).") var file = "sluice-tokens.yaml"

            func run() throws {
                guard let r = Role(rawValue: role) else { throw ValidationError("--role must be viewer, operator or admin") }
                let (token, entry) = TokenTool.create(name: name, role: r)
                try TokenTool.add(entry, toFile: file)
                print(token)
                FileHandle.standardError.write(Data("added '\(name)' (\(role)) to \(file); the token above is not stored anywhere — keep it safe\n".utf8))
            }
        }
    }
}
