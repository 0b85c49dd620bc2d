/// Quoted-printable (RFC 2045, section 6.7), decoded: `=XX` is a byte, `=` at a line's end a
/// soft line break; anything else, a malformed escape too, stays as it is.
public enum QuotedPrintable {
    public static func decode(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 0x30...0x39: return b - 0x30
            case 0x41...0x46: return b - 0x37
            case 0x61...0x66: return b - 0x57
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == 0x3D {
                if i + 2 < bytes.endIndex, let h = hex(bytes[i + 1]), let l = hex(bytes[i + 2]) { out.append(h << 4 | l); i += 3; continue }
                if i + 1 < bytes.endIndex, bytes[i + 1] == 0x0A { i += 2; continue }
                if i + 2 < bytes.endIndex, bytes[i + 1] == 0x0D, bytes[i + 2] == 0x0A { i += 3; continue }
            }
            out.append(bytes[i])
            i += 1
        }
        return out
    }
}
