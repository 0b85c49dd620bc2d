/// One question of a survey.
public struct Question: Sendable {
    public var id: String
    public var kind: Kind
    public var text: LocalizedText
    public var help: LocalizedText?
    public var required: Bool
    public var showIf: Condition?
    /// The expression as written, for `check --print`.
    public var showIfText: String?
    public var mark: Mark

    /// The question types of SPEC.md with their settings.
    public enum Kind: Sendable {
        case single(options: [Option], other: Bool)
        case multi(options: [Option], other: Bool, maxChoices: Int?)
        case scale(min: Int, max: Int, minLabel: LocalizedText?, maxLabel: LocalizedText?)
        case matrix(rows: [Option], options: [Option])
        case yesno
        case number(min: Double?, max: Double?, decimals: Int)
        case text(multiline: Bool, maxLength: Int)
        case ranking(options: [Option], maxRanked: Int?)
    }

    public static let typeNames = ["single", "multi", "scale", "matrix", "yesno", "number", "text", "ranking"]

    public var typeName: String {
        switch kind {
        case .single: return "single"
        case .multi: return "multi"
        case .scale: return "scale"
        case .matrix: return "matrix"
        case .yesno: return "yesno"
        case .number: return "number"
        case .text: return "text"
        case .ranking: return "ranking"
        }
    }

    /// The options a participant chooses from, as results list them: declared options plus
    /// `other` where enabled, yes and no, the points of a scale, a ranking's options, a matrix's
    /// answer options; none for number and text.
    public var choices: [Option] {
        switch kind {
        case .single(let options, let other), .multi(let options, let other, _): return options + (other ? [.other] : [])
        case .matrix(_, let options), .ranking(let options, _): return options
        case .yesno: return [Option(code: "yes", label: LocalizedText(translations: ["de": "Ja", "en": "Yes"])),
                             Option(code: "no", label: LocalizedText(translations: ["de": "Nein", "en": "No"]))]
        case .scale(let min, let max, _, _): return (min...max).map { Option(code: String($0), label: LocalizedText(String($0))) }
        case .number, .text: return []
        }
    }

    /// The codes an answer may take (options, plus `other` where enabled; yes/no; scale points).
    public var codes: [String] { choices.map(\.code) }
}

/// A choice: the stable code stored in answers and the label participants read.
public struct Option: Sendable, Equatable {
    public var code: String
    public var label: LocalizedText

    public init(code: String, label: LocalizedText) {
        self.code = code
        self.label = label
    }

    /// The option added by `other: true`.
    public static let other = Option(code: "other", label: LocalizedText(translations: ["de": "Sonstiges", "en": "Other"]))
}
