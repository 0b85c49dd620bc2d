/// Help texts: one page for `mitreden help`, one per command.
enum Help {
    static func overview(_ commands: [Command]) -> String {
        var text = """
        mitreden — surveys and participation for municipal education offices

        Usage: mitreden [GLOBAL OPTIONS] COMMAND [ARGUMENTS]

        Commands:

        """
        let width = (commands.map(\.name.count).max() ?? 0) + 2
        for command in commands {
            text += "  " + command.name.padding(toLength: width, withPad: " ", startingAt: 0) + command.abstract + "\n"
        }
        text += "\n" + globalOptions() + """

        Exit codes: 0 ok, 1 a problem with your input, 2 wrong usage, 3 a failure outside (disk, mail server).

        See 'mitreden help COMMAND' for a command's options and examples.
        """
        return text
    }

    static func page(_ command: Command) -> String {
        var text = "mitreden \(command.name) — \(command.abstract)\n\n"
        text += "Usage: mitreden \(command.name)" + (command.arguments.isEmpty ? "" : " \(command.arguments)")
        for option in command.options { text += " [\(option.flag)\(option.value.map { " \($0)" } ?? "")]" }
        text += "\n\n" + command.discussion + "\n"
        if !command.options.isEmpty {
            text += "\nOptions:\n"
            let labels = command.options.map { $0.flag + ($0.value.map { " \($0)" } ?? "") }
            let width = (labels.map(\.count).max() ?? 0) + 2
            for (label, option) in zip(labels, command.options) {
                text += "  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + option.help + "\n"
            }
        }
        text += "\n" + globalOptions()
        text += "\nExamples:\n" + command.examples.map { "  " + $0 }.joined(separator: "\n") + "\n"
        return text
    }

    static func globalOptions() -> String {
        var text = "Global options (each also an environment variable):\n"
        let labels = Configuration.globalOptions.map { "\($0.flag) \($0.value)" }
        let width = (labels.map(\.count).max() ?? 0) + 2
        for (label, option) in zip(labels, Configuration.globalOptions) {
            text += "  " + label.padding(toLength: width, withPad: " ", startingAt: 0)
                + option.env.padding(toLength: 20, withPad: " ", startingAt: 0) + option.help + "\n"
        }
        return text
    }
}
