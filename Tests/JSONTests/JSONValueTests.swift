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
