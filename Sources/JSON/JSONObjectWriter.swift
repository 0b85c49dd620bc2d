/// Writes a JSON object member by member straight into UTF-8 bytes, for hot paths that have
/// no `JSONValue` tree to build first (the same text `JSONValue.serialized()` gives).
public struct JSONObjectWriter {
    private var bytes: [UInt8] = [0x7B]
    private var empty = true

    public init() {
        bytes.reserveCapacity(256)
    }

    private mutating func key(_ key: String) {
        if !empty { bytes.append(0x2C) }
        empty = false
        JSONValue.writeString(key, to: &bytes)
        bytes.append(0x3A)
    }

    public mutating func add(_ key: String, _ value: String) {
        self.key(key)
        JSONValue.writeString(value, to: &bytes)
    }

    public mutating func add(_ key: String, _ values: [String]) {
        self.key(key)
        bytes.append(0x5B)
        for (i, value) in values.enumerated() {
            if i > 0 { bytes.append(0x2C) }
            JSONValue.writeString(value, to: &bytes)
        }
        bytes.append(0x5D)
    }

    public mutating func add(_ key: String, number: Double) {
        self.key(key)
        bytes.append(contentsOf: JSONValue.format(number).utf8)
    }

    public mutating func add(_ key: String, _ object: JSONObjectWriter) {
        self.key(key)
        bytes.append(contentsOf: object.bytes)
        bytes.append(0x7D)
    }

    /// The object's JSON text.
    public var text: String {
        var whole = bytes
        whole.append(0x7D)
        return String(decoding: whole, as: UTF8.self)
    }
}
