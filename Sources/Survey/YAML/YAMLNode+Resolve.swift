/// A scalar's value under the YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#103-core-schema).
public enum ResolvedScalar: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(String)      // the integer in decimal; kept as text so no size is lost
    case float(Double)
    case string(String)
}

extension YAMLScalar {
    /// Resolves a plain scalar by the core schema's tag rules; quoted and block scalars are strings.
    public var resolved: ResolvedScalar {
        guard style == .plain else { return .string(value) }
        if isNull { return .null }
        switch value {
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
        case ".nan", ".NaN", ".NAN": return .float(.nan)
        default: break
        }
        let bytes = Array(value.utf8)
        if let decimal = Self.coreInteger(bytes) { return .int(decimal) }
        if Self.isCoreFloat(bytes), let number = Double(value) { return .float(number) }
        return .string(value)
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`, as a decimal string.
    private static func coreInteger(_ b: [UInt8]) -> String? {
        if b.count > 2, b[0] == 0x30, b[1] == 0x6F || b[1] == 0x78 {
            let radix = b[1] == 0x6F ? 8 : 16
            let digits = String(decoding: b[2...], as: UTF8.self)
            guard digits.allSatisfy({ $0.isHexDigit && Int(String($0), radix: radix) != nil }) else { return nil }
            if let value = UInt64(digits, radix: radix) { return String(value) }
            return nil
        }
        var start = 0
        var negative = false
        if let first = b.first, first == 0x2B || first == 0x2D { start = 1; negative = first == 0x2D }
        guard b.count > start, b[start...].allSatisfy(isDigit) else { return nil }
        var digits = String(decoding: b[start...].drop(while: { $0 == 0x30 }), as: UTF8.self)
        if digits.isEmpty { digits = "0" }
        return negative && digits != "0" ? "-" + digits : digits
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
    private static func isCoreFloat(_ b: [UInt8]) -> Bool {
        var i = 0
        if i < b.count, b[i] == 0x2B || b[i] == 0x2D { i += 1 }
        var mantissaDigits = 0
        while i < b.count, isDigit(b[i]) { i += 1; mantissaDigits += 1 }
        if i < b.count, b[i] == 0x2E {
            i += 1
            var fraction = 0
            while i < b.count, isDigit(b[i]) { i += 1; fraction += 1 }
            if mantissaDigits == 0 && fraction == 0 { return false }
        } else if mantissaDigits == 0 {
            return false
        }
        if i < b.count, b[i] == 0x65 || b[i] == 0x45 {
            i += 1
            if i < b.count, b[i] == 0x2B || b[i] == 0x2D { i += 1 }
            var exponent = 0
            while i < b.count, isDigit(b[i]) { i += 1; exponent += 1 }
            if exponent == 0 { return false }
        }
        return i == b.count
    }
}
