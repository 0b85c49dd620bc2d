import Testing
@testable import Store

@Suite("Access codes: alphabet, check character, typing")
struct AccessCodeTests {
    @Test("a new code has twelve characters of the alphabet, reads back as itself, and is written XXXX-XXXX-XXXX")
    func shape() {
        for _ in 0..<1000 {
            let code = AccessCode.make()
            #expect(code.count == 12 && code.utf8.allSatisfy { AccessCode.alphabet.contains($0) })
            #expect(AccessCode.normalize(code) == code)
            let printed = AccessCode.formatted(code)
            #expect(printed.count == 14 && Array(printed)[4] == "-" && Array(printed)[9] == "-")
            #expect(AccessCode.normalize(" " + printed.lowercased() + " ") == code, "case, spaces and dashes are ignored")
        }
    }

    @Test("every single mistyped character is caught before any lookup")
    func singleTypos() {
        for _ in 0..<300 {
            let code = Array(AccessCode.make().utf8)
            for position in 0..<12 {
                for other in AccessCode.alphabet where other != code[position] {
                    var typo = code
                    typo[position] = other
                    #expect(AccessCode.normalize(String(decoding: typo, as: UTF8.self)) == nil)
                }
            }
        }
    }

    @Test("a swap of two different neighbours is caught in nearly every case (Luhn mod 32)")
    func transpositions() {
        var swaps = 0, caught = 0
        for _ in 0..<2000 {
            let code = Array(AccessCode.make().utf8)
            for position in 0..<11 where code[position] != code[position + 1] {
                var swapped = code
                swapped.swapAt(position, position + 1)
                swaps += 1
                if AccessCode.normalize(String(decoding: swapped, as: UTF8.self)) == nil { caught += 1 }
            }
        }
        // Luhn mod N misses only swaps of the two characters whose values are 0 and N-1 ('2' and 'Z').
        #expect(Double(caught) / Double(swaps) > 0.99, "\(caught) of \(swaps)")
    }

    @Test("look-alikes and wrong lengths are no code", arguments: ["0KQM-2XHP-R9TD", "OKQM2XHPR9TD", "1KQM2XHPR9TD", "IKQM2XHPR9TD", "", "ABC", "23456789ABCDE", "2345-6789-ABC"])
    func notCodes(_ typed: String) {
        #expect(AccessCode.normalize(typed) == nil)
    }

    @Test("55 random bits: 20,000 codes are all different and use every character in every random place")
    func randomness() {
        let codes = (0..<20_000).map { _ in Array(AccessCode.make().utf8) }
        #expect(Set(codes.map { String(decoding: $0, as: UTF8.self) }).count == codes.count)
        for position in 0..<11 { #expect(Set(codes.map { $0[position] }).count == 32, "place \(position)") }
    }
}
