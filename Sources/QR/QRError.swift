/// Why a QR code could not be made; the message says what to do instead.
public enum QRError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text does not fit the largest symbol, version 40, at this error correction level.
    case textTooLong(bytes: Int, level: ErrorCorrection, capacity: Int)
    /// The text does not fit the version that was asked for.
    case textTooLongForVersion(bytes: Int, version: Int, level: ErrorCorrection, capacity: Int)
    /// A version outside 1...40 was asked for.
    case invalidVersion(Int)
    /// A mask outside 0...7 was asked for.
    case invalidMask(Int)

    public var description: String {
        switch self {
        case let .textTooLong(bytes, level, capacity):
            "the text is \(bytes) bytes in UTF-8, but a QR code holds at most \(capacity) bytes at error correction \(level) (version 40); shorten the text or choose a lower error correction level"
        case let .textTooLongForVersion(bytes, version, level, capacity):
            "the text is \(bytes) bytes in UTF-8, but a version \(version) QR code holds at most \(capacity) bytes at error correction \(level); choose a larger version or let the encoder choose one"
        case let .invalidVersion(version):
            "QR code version \(version) does not exist; versions are 1 to 40"
        case let .invalidMask(mask):
            "QR code mask \(mask) does not exist; masks are 0 to 7"
        }
    }
}
