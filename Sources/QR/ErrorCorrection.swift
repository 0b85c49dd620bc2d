/// The error correction level of a QR code, ISO/IEC 18004:2015, 7.5: how much of the symbol
/// may be damaged and still be read.
public enum ErrorCorrection: Int, CaseIterable, Sendable, CustomStringConvertible {
    /// L: about 7 % of the codewords can be restored.
    case low
    /// M: about 15 %; the project's default.
    case medium
    /// Q: about 25 %.
    case quartile
    /// H: about 30 %.
    case high

    /// The letter the standard names the level by: L, M, Q or H.
    public var description: String {
        switch self {
        case .low: "L"
        case .medium: "M"
        case .quartile: "Q"
        case .high: "H"
        }
    }

    /// The two bits of the format information that name the level (7.9, Table 12).
    var formatBits: Int {
        switch self {
        case .low: 0b01
        case .medium: 0b00
        case .quartile: 0b11
        case .high: 0b10
        }
    }
}
