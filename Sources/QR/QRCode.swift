/// A QR code symbol, ISO/IEC 18004:2015: UTF-8 text in byte mode, one of the four error
/// correction levels, versions 1 to 40, the mask with the lowest penalty.
///
/// ```swift
/// let code = try QRCode(text: "https://mitreden.example/c/7K2M-9XQ4-HD3A")
/// let svg = code.svg(label: "QR code of the survey's link")
/// ```
public struct QRCode: Equatable, Sendable {
    /// Modules per side, without the quiet zone: 17 + 4 × version.
    public let size: Int
    /// The version, 1 to 40.
    public let version: Int
    /// The error correction level.
    public let level: ErrorCorrection
    /// The data mask pattern, 0 to 7.
    public let mask: Int
    /// Row-major, 1 for a dark module.
    let modules: [UInt8]

    /// The QR code of `text`, its UTF-8 bytes in byte mode without an ECI header, as most
    /// encoders write it (decoders guess the character set: ASCII, such as a link, is read the
    /// same everywhere; ZBar takes some short texts with umlauts for Shift JIS). Without
    /// `version`, the smallest version that holds the text; without `mask`, the mask with the
    /// lowest penalty score, the lowest number among equals (7.8.3).
    /// Throws `QRError` when the text does not fit, or for a version or mask that does not exist.
    public init(text: String, level: ErrorCorrection = .medium, version: Int? = nil, mask: Int? = nil) throws {
        try self.init(bytes: Array(text.utf8), level: level, version: version, mask: mask)
    }

    /// The QR code of `bytes` in byte mode; see `init(text:level:version:mask:)`.
    public init(bytes: [UInt8], level: ErrorCorrection = .medium, version: Int? = nil, mask: Int? = nil) throws {
        if let mask, !(0...7).contains(mask) { throw QRError.invalidMask(mask) }
        let chosenVersion: Int
        if let version {
            guard (1...40).contains(version) else { throw QRError.invalidVersion(version) }
            let capacity = Self.byteCapacity(version: version, level: level)
            guard bytes.count <= capacity else {
                throw QRError.textTooLongForVersion(bytes: bytes.count, version: version, level: level, capacity: capacity)
            }
            chosenVersion = version
        } else {
            guard let smallest = Self.smallestVersion(for: bytes.count, level: level) else {
                throw QRError.textTooLong(bytes: bytes.count, level: level, capacity: Self.byteCapacity(version: 40, level: level))
            }
            chosenVersion = smallest
        }

        let blocks = QRTables.blocks[chosenVersion - 1][level.rawValue]
        let data = Self.dataCodewords(bytes, version: chosenVersion, count: blocks.dataCodewords)
        let message = Self.finalMessage(data, blocks: blocks)
        let patterns = FunctionPatterns(version: chosenVersion)
        let unmasked = patterns.placing(message)
        let isData = patterns.isFunction.map { $0 ^ 1 }
        let (chosenMask, masked) = Mask.choose(unmasked: unmasked, isData: isData, size: patterns.size, forced: mask)

        var modules = masked
        FormatInformation.draw(level: level, mask: chosenMask, into: &modules, size: patterns.size)
        FormatInformation.drawVersion(chosenVersion, into: &modules, size: patterns.size)
        self.size = patterns.size
        self.version = chosenVersion
        self.level = level
        self.mask = chosenMask
        self.modules = modules
    }

    /// Whether the module in column `x`, row `y` is dark; (0, 0) is the top left corner.
    public subscript(x: Int, y: Int) -> Bool {
        precondition(x >= 0 && x < size && y >= 0 && y < size, "module (\(x), \(y)) is outside the \(size) × \(size) symbol")
        return modules[y * size + x] != 0
    }
}
