/// A QR code as SVG: every dark module in one `<path>`, a light quiet zone around the symbol
/// (ISO/IEC 18004:2015 asks for at least 4 modules).
extension QRCode {
    /// A standalone SVG document: a light background the size of the symbol and its quiet
    /// zone, and the dark modules as one path, in a viewBox of one unit per module. Width and
    /// height are `moduleSize` pixels per module; `shape-rendering="crispEdges"` keeps
    /// neighbouring modules from showing seams. With a `label`, the image is `role="img"`
    /// named by `aria-label` and a `<title>` (WCAG 2.1, 1.1.1).
    public func svg(moduleSize: Int = 8, quietZone: Int = 4, label: String? = nil,
                    dark: String = "#000", light: String = "#fff") -> String {
        let side = size + 2 * quietZone
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 \(side) \(side)\""
        out += " width=\"\(side * moduleSize)\" height=\"\(side * moduleSize)\" shape-rendering=\"crispEdges\""
        if let label {
            let escaped = Self.escapeXML(label)
            out += " role=\"img\" aria-label=\"\(escaped)\"><title>\(escaped)</title>"
        } else {
            out += ">"
        }
        out += "<rect width=\"\(side)\" height=\"\(side)\" fill=\"\(Self.escapeXML(light))\"/>"
        out += "<path fill=\"\(Self.escapeXML(dark))\" d=\"\(svgPath(quietZone: quietZone))\"/></svg>\n"
        return out
    }

    /// The `d` attribute of the path of all dark modules, for a drawing whose unit is one
    /// module and whose symbol starts `quietZone` modules from the top left: each horizontal run
    /// of dark modules is one rectangle, `M x y h n v1 h-n z` with one space, between x and y.
    public func svgPath(quietZone: Int = 4) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(size * size)
        modules.withUnsafeBufferPointer { m in
            for y in 0..<size {
                let row = y * size
                var x = 0
                while x < size {
                    guard m[row + x] != 0 else { x += 1; continue }
                    let start = x
                    while x < size && m[row + x] != 0 { x += 1 }
                    let run = x - start
                    bytes.append(UInt8(ascii: "M"))
                    Self.appendDecimal(start + quietZone, to: &bytes)
                    bytes.append(UInt8(ascii: " "))
                    Self.appendDecimal(y + quietZone, to: &bytes)
                    bytes.append(UInt8(ascii: "h"))
                    Self.appendDecimal(run, to: &bytes)
                    bytes.append(UInt8(ascii: "v"))
                    bytes.append(UInt8(ascii: "1"))
                    bytes.append(UInt8(ascii: "h"))
                    bytes.append(UInt8(ascii: "-"))
                    Self.appendDecimal(run, to: &bytes)
                    bytes.append(UInt8(ascii: "z"))
                }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends a number that is not negative in decimal.
    @inline(__always)
    static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        var divisor = 1
        while divisor * 10 <= value { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    /// Text safe inside an XML attribute or element.
    static func escapeXML(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
