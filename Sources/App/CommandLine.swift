import Foundation

/// A command of `mitreden`: its help text and what it runs (after swift-argument-parser's
/// shape: abstract, discussion, options and examples, the same text for `help CMD`, `CMD -h`
/// and `CMD --help`).
struct Command: Sendable {
    struct Option: Sendable {
        let flag: String
        /// nil for a flag without a value.
        let value: String?
        let help: String
    }

    let name: String
    let arguments: String
    let abstract: String
    let discussion: String
    var options: [Option] = []
    let positionals: ClosedRange<Int>
    let examples: [String]
    let run: @Sendable (Invocation) throws -> Int32
}

/// What a command runs with: the configuration, its positional arguments and its options.
struct Invocation {
    let configuration: Configuration
    let positionals: [String]
    let options: [String: String]
    let environment: [String: String]
    /// Every value of an option given more than once (`--set a=1 --set b=2`).
    var values: [String: [String]] = [:]

    func flag(_ name: String) -> Bool { options[name] != nil }
}

/// Exit codes of SPEC.md.
enum ExitCode {
    static let ok: Int32 = 0
    static let input: Int32 = 1
    static let usage: Int32 = 2
    static let outside: Int32 = 3
}

/// Wrong usage: exit 2 with what was expected.
struct UsageError: Error {
    let message: String
    let command: Command?
}

/// A problem with the user's input: exit 1; each line says what is wrong and what to do.
struct InputError: Error {
    let lines: [String]
    init(_ lines: [String]) { self.lines = lines }
    init(_ line: String) { lines = [line] }
}

/// A failure outside the user's control (disk, database, mail server): exit 3.
struct OutsideError: Error {
    let message: String
}

/// Splits the arguments into global options, the command, its options and positionals.
struct ArgumentParser {
    let commands: [Command]

    struct Parsed {
        var globals: [String: String] = [:]
        var command: Command?
        var options: [String: String] = [:]
        /// Every value of each option, in order, for options that may be given more than once.
        var values: [String: [String]] = [:]
        var positionals: [String] = []
        var wantsHelp = false
        var helpTopic: [String] = []
    }

    func parse(_ arguments: [String]) throws -> Parsed {
        var parsed = Parsed()
        var rest: [String] = []
        let globalFlags = Configuration.globalOptions.map(\.flag)
        var i = 0
        var afterDashes = false
        while i < arguments.count {
            let arg = arguments[i]
            i += 1
            if afterDashes { rest.append(arg); continue }
            if arg == "--" { afterDashes = true; rest.append(arg); continue }
            if arg == "-h" || arg == "--help" { parsed.wantsHelp = true; continue }
            let (flag, inline) = split(arg)
            if globalFlags.contains(flag) {
                guard let value = inline ?? (i < arguments.count ? arguments[i] : nil) else {
                    throw UsageError(message: "\(flag) needs a value", command: nil)
                }
                if inline == nil { i += 1 }
                parsed.globals[flag] = value
                continue
            }
            rest.append(arg)
        }
        guard let first = rest.first else { parsed.wantsHelp = true; return parsed }
        if first == "help" {
            parsed.wantsHelp = true
            parsed.helpTopic = Array(rest.dropFirst())
            return parsed
        }
        let words = rest.prefix(2).joined(separator: " ")
        guard let command = commands.first(where: { $0.name == words }) ?? commands.first(where: { $0.name == first }) else {
            let group = commands.filter { $0.name.hasPrefix(first + " ") }.map { String($0.name.dropFirst(first.count + 1)) }
            if !group.isEmpty {
                let given = rest.count > 1 ? "'\(rest[1])'" : "nothing"
                throw UsageError(message: "'\(first)' needs one of: \(group.joined(separator: ", ")) (found \(given))", command: nil)
            }
            throw UsageError(message: "unknown command '\(first)' (commands: \(commands.map(\.name).joined(separator: ", ")))", command: nil)
        }
        parsed.command = command
        if parsed.wantsHelp { return parsed }
        var j = command.name.split(separator: " ").count
        var dashes = false
        while j < rest.count {
            let arg = rest[j]
            j += 1
            if !dashes && arg == "--" { dashes = true; continue }
            if !dashes && arg.hasPrefix("-") && arg.count > 1 {
                let (flag, inline) = split(arg)
                guard let option = command.options.first(where: { $0.flag == flag }) else {
                    let known = command.options.map(\.flag)
                    throw UsageError(message: "unknown option '\(flag)' for \(command.name)" + (known.isEmpty ? "" : " (options: \(known.joined(separator: ", ")))"), command: command)
                }
                if option.value != nil {
                    guard let value = inline ?? (j < rest.count ? rest[j] : nil) else {
                        throw UsageError(message: "\(flag) needs a value (\(option.value!))", command: command)
                    }
                    if inline == nil { j += 1 }
                    parsed.options[flag] = value
                    parsed.values[flag, default: []].append(value)
                } else {
                    guard inline == nil else { throw UsageError(message: "\(flag) takes no value", command: command) }
                    parsed.options[flag] = ""
                }
                continue
            }
            parsed.positionals.append(arg)
        }
        if !command.positionals.contains(parsed.positionals.count) {
            let expected = command.arguments.isEmpty ? "no arguments" : command.arguments
            throw UsageError(message: "\(command.name) takes \(expected), found \(parsed.positionals.count) argument\(parsed.positionals.count == 1 ? "" : "s")", command: command)
        }
        return parsed
    }

    private func split(_ arg: String) -> (String, String?) {
        guard arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") else { return (arg, nil) }
        return (String(arg[..<eq]), String(arg[arg.index(after: eq)...]))
    }
}
