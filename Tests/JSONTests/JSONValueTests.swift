import Testing
@testable import JSON

@Suite("JSON writer")
struct JSONValueTests {
    @Test("keeps key order and escapes what RFC 8259 requires")
    func serialization() {
        let value = JSONValue.object([("z", .int(1)), ("a", .string("\"quote\" \\ \n\u{1}\u{2028}")), ("n", .null), ("d", .double(0.725)), ("w", .double(3))])
        #expect(value.serialized() == #"{"z":1,"a":"\"quote\" \\ \n\u0001\u2028","n":null,"d":0.725,"w":3}"#)
    }

    @Test("pretty output indents by two spaces; empty containers stay short")
    func pretty() {
        let value = JSONValue.object([("a", .array([.bool(true)])), ("b", .object([])), ("c", .array([]))])
        #expect(value.serialized(pretty: true) == "{\n  \"a\": [\n    true\n  ],\n  \"b\": {},\n  \"c\": []\n}")
    }

    @Test("numbers that JSON cannot hold become null")
    func nonFinite() {
        #expect(JSONValue.array([.double(.nan), .double(.infinity)]).serialized() == "[null,null]")
    }
}

@Suite("JSON reader")
struct JSONParserTests {
    @Test("reads what the writer writes, with escapes and surrogate pairs")
    func roundTrip() throws {
        let value = JSONValue.object([("a", .array([.int(-12), .double(0.5), .bool(false), .null])), ("ü \"q\"", .string("line\nbreak 😀"))])
        #expect(try JSONParser.parse(value.serialized()) == value)
        #expect(try JSONParser.parse(#""\ud83d\ude00 \u00fc""#) == .string("😀 ü"))
        #expect(try JSONParser.parse(" 1e3 ") == .double(1000))
    }

    @Test("refuses what RFC 8259 does not allow, and hostile shapes", arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "+1", "'a'", "\"\\x\"", "\"a\u{1}\"", "\"\\ud800\"", "{\"a\":1,\"a\":2}",
        "[1] 2", "tru", "nul", "1e999", String(repeating: "[", count: 100) + String(repeating: "]", count: 100), "{\"a\" 1}",
    ])
    func rejects(_ text: String) {
        #expect(throws: JSONError.self) { try JSONParser.parse(text) }
    }
}

@Suite("JSON object writer")
struct JSONObjectWriterTests {
    @Test("writes the same text as serializing the equal JSONValue")
    func sameAsValue() {
        var inner = JSONObjectWriter()
        inner.add("zeile", "gut \"sehr\"")
        var object = JSONObjectWriter()
        object.add("text", "Zeile 1\nZeile 2\t\\ \u{1} \u{2028} äöü 😀")
        object.add("codes", ["a", "b\"c"])
        object.add("leer", [String]())
        object.add("ganz", number: 3)
        object.add("bruch", number: 2.5)
        object.add("negativ", number: -7)
        object.add("gross", number: 1e16)
        object.add("zeilen", inner)
        object.add("nichts", JSONObjectWriter())
        let value = JSONValue.object([
            ("text", .string("Zeile 1\nZeile 2\t\\ \u{1} \u{2028} äöü 😀")), ("codes", .array([.string("a"), .string("b\"c")])),
            ("leer", .array([])), ("ganz", .int(3)), ("bruch", .double(2.5)), ("negativ", .int(-7)), ("gross", .double(1e16)),
            ("zeilen", .object([("zeile", .string("gut \"sehr\""))])), ("nichts", .object([])),
        ])
        #expect(object.text == value.serialized())
        #expect(JSONObjectWriter().text == "{}")
        #expect((try? JSONParser.parse(object.text)) == value)
    }
}
