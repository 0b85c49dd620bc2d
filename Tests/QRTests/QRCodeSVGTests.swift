import Testing
import QR

@Suite("QR code as SVG")
struct QRCodeSVGTests {
    /// The modules a path of `M x y h n v1 h-n z` rectangles covers, quiet zone removed.
    static func modules(ofPath d: String, size: Int, quietZone: Int) throws -> [[Bool]] {
        var grid = Array(repeating: Array(repeating: false, count: size), count: size)
        for rectangle in d.split(separator: "z") {
            // "M12 4h3v1h-3"
            let parts = rectangle.dropFirst().split(whereSeparator: { $0 == " " || $0 == "h" || $0 == "v" })
            let numbers = try parts.map { try #require(Int($0), "\(rectangle)") }
            // x, y, the run's length n, then v1 and h-n back
            try #require(numbers.count == 5 && numbers[2] > 0 && numbers[3] == 1 && numbers[4] == -numbers[2], "\(rectangle)")
            for x in numbers[0]..<(numbers[0] + numbers[2]) {
                let (mx, my) = (x - quietZone, numbers[1] - quietZone)
                try #require(mx >= 0 && mx < size && my >= 0 && my < size, "module outside the symbol: \(rectangle)")
                #expect(!grid[my][mx], "module (\(mx), \(my)) drawn twice")
                grid[my][mx] = true
            }
        }
        return grid
    }

    @Test("the path draws exactly the dark modules, offset by the quiet zone", arguments: [0, 4])
    func pathMatchesModules(quietZone: Int) throws {
        let code = try QRCode(text: "https://mitreden.example/c/7K2M-9XQ4-HD3A", level: .quartile)
        let grid = try Self.modules(ofPath: code.svgPath(quietZone: quietZone), size: code.size, quietZone: quietZone)
        for y in 0..<code.size {
            for x in 0..<code.size { #expect(grid[y][x] == code[x, y], "module (\(x), \(y))") }
        }
    }

    @Test("the document has one path, a viewBox with the 4-module quiet zone and crisp edges")
    func document() throws {
        let code = try QRCode(text: "Mitreden")
        let svg = code.svg(moduleSize: 5)
        let side = code.size + 8
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("viewBox=\"0 0 \(side) \(side)\" width=\"\(side * 5)\" height=\"\(side * 5)\""))
        #expect(svg.contains("shape-rendering=\"crispEdges\""))
        #expect(svg.components(separatedBy: "<path").count == 2)
        #expect(svg.contains("d=\"\(code.svgPath())\""))
        #expect(!svg.contains("role=") && !svg.contains("<title>"))
        #expect(svg.hasSuffix("</svg>\n"))
    }

    @Test("a label names the image for screen readers, escaped")
    func label() throws {
        let svg = try QRCode(text: "x").svg(label: "Umfrage \"Jugend & Schule\" <2027>")
        let escaped = "Umfrage &quot;Jugend &amp; Schule&quot; &lt;2027&gt;"
        #expect(svg.contains("role=\"img\" aria-label=\"\(escaped)\"><title>\(escaped)</title>"))
    }
}
