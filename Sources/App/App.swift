import Foundation
import SQLite

/// The `mitreden` program: parses the command line, runs one command, returns its exit code.
public enum App {
    static var commands: [Command] {
        [Commands.serve, Commands.check, Commands.participantsImport, Commands.participantsList, Commands.codes, Commands.letters, Commands.poster, Commands.qr,
         Commands.invite, Commands.remind, Commands.send, Commands.status, Commands.results, Commands.export, Commands.printQuestionnaire, Commands.responsesImport, Commands.purge, Commands.bounce, Commands.backup]
    }

    /// Runs with the process's arguments and environment and exits.
    public static func main() -> Never {
        exit(run(Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment))
    }

    /// Runs one command line; returns the exit code.
    public static func run(_ arguments: [String], environment: [String: String]) -> Int32 {
        let parser = ArgumentParser(commands: commands)
        let parsed: ArgumentParser.Parsed
        do {
            parsed = try parser.parse(arguments)
        } catch let error as UsageError {
            return usage(error)
        } catch {
            return ExitCode.usage
        }
        if parsed.wantsHelp {
            if !parsed.helpTopic.isEmpty {
                let topic = parsed.helpTopic.joined(separator: " ")
                guard let command = commands.first(where: { $0.name == topic }) else {
                    return usage(UsageError(message: "no help for '\(topic)' (commands: \(commands.map(\.name).joined(separator: ", ")))", command: nil))
                }
                Console.out(Help.page(command))
                return ExitCode.ok
            }
            if let command = parsed.command { Console.out(Help.page(command)); return ExitCode.ok }
            if arguments.isEmpty { Console.err(Help.overview(commands)); return ExitCode.usage }
            Console.out(Help.overview(commands))
            return ExitCode.ok
        }
        guard let command = parsed.command else { return ExitCode.usage }
        do {
            let configuration = try Configuration.parse(options: parsed.globals, environment: environment)
            let invocation = Invocation(configuration: configuration, positionals: parsed.positionals,
                                        options: parsed.options, environment: environment, values: parsed.values)
            return try command.run(invocation)
        } catch let error as ConfigurationError {
            Console.err("mitreden: error: \(error.message)")
            return ExitCode.input
        } catch let error as UsageError {
            return usage(error)
        } catch let error as InputError {
            for line in error.lines { Console.err(line) }
            return ExitCode.input
        } catch let error as OutsideError {
            Console.err("mitreden: error: \(error.message)")
            return ExitCode.outside
        } catch let error as SQLiteError {
            Console.err("mitreden: error: the database failed: \(error.message) (code \(error.code)); check that the data folder is writable and the disk is not full")
            return ExitCode.outside
        } catch {
            Console.err("mitreden: error: \(error)")
            return ExitCode.outside
        }
    }

    static func usage(_ error: UsageError) -> Int32 {
        Console.err("mitreden: error: \(error.message)")
        if let command = error.command {
            Console.err("Usage: mitreden \(command.name) \(command.arguments)\nSee 'mitreden help \(command.name)'.")
        } else {
            Console.err("See 'mitreden help'.")
        }
        return ExitCode.usage
    }
}

/// The commands, one file each.
enum Commands {}
