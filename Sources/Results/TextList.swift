import Dispatch
import Foundation
import Glibc

/// Free texts as UTF-8 in one buffer: kept, sorted and merged without a String (and its
/// allocation and reference counting) per text; Strings are made once, for the document.
/// The order is the order of Swift's `String <`: texts whose characters all lie below U+0300
/// (ASCII and Latin letters with their accents, precomposed as typed) are compared by their
/// bytes, which for them is the same order; any other pair is compared as Strings.
struct TextList {
    struct Span {
        var start: Int
        var count: Int32
        /// Whether the bytes alone decide its order (see above).
        var byBytes: Bool
    }

    private(set) var bytes: [UInt8] = []
    private(set) var spans: [Span] = []

    var count: Int { spans.count }

    mutating func append(_ text: UnsafeBufferPointer<UInt8>) {
        spans.append(Span(start: bytes.count, count: Int32(text.count), byBytes: Self.ordersByBytes(text)))
        bytes.append(contentsOf: text)
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    mutating func append(_ text: RowText) {
        switch text {
        case .raw(let raw): append(raw)
        case .decoded(let string): append(string)
        }
    }

    /// The texts as Strings, in the list's order (a million are made on all processors).
    func strings() -> [String] {
        let chunk = 1 << 16
        guard spans.count > chunk else { return strings(spans.indices) }
        let parts = Array(stride(from: 0, to: spans.count, by: chunk))
        let made = TextChunks(count: parts.count)
        DispatchQueue.concurrentPerform(iterations: parts.count) { part in
            made.set(part, strings(parts[part]..<min(parts[part] + chunk, spans.count)))
        }
        return made.values.flatMap { $0 }
    }

    private func strings(_ range: Range<Int>) -> [String] {
        bytes.withUnsafeBufferPointer { b in
            spans[range].map { String(decoding: UnsafeBufferPointer(rebasing: b[$0.start..<$0.start + Int($0.count)]), as: UTF8.self) }
        }
    }

    /// The Strings of each chunk, written by the threads that make them.
    private final class TextChunks: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var values: [[String]]
        init(count: Int) { values = Array(repeating: [], count: count) }
        func set(_ index: Int, _ strings: [String]) { lock.lock(); values[index] = strings; lock.unlock() }
    }

    mutating func sort() {
        bytes.withUnsafeBufferPointer { b in spans.sort { Self.less($0, b, $1, b) } }
    }

    /// Adds `other`; when both are sorted, the result is sorted (one linear merge).
    mutating func merge(_ other: TextList) {
        guard !other.spans.isEmpty else { return }
        guard !spans.isEmpty else { self = other; return }
        let offset = bytes.count
        let incoming = other.spans.map { Span(start: $0.start + offset, count: $0.count, byBytes: $0.byBytes) }
        bytes += other.bytes
        var merged: [Span] = []
        merged.reserveCapacity(spans.count + incoming.count)
        bytes.withUnsafeBufferPointer { b in
            var i = 0, j = 0
            while i < spans.count && j < incoming.count {
                if Self.less(incoming[j], b, spans[i], b) { merged.append(incoming[j]); j += 1 } else { merged.append(spans[i]); i += 1 }
            }
            merged += spans[i...]
            merged += incoming[j...]
        }
        spans = merged
    }

    static func less(_ a: Span, _ aBytes: UnsafeBufferPointer<UInt8>, _ b: Span, _ bBytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if a.byBytes && b.byBytes {
            let n = Int(min(a.count, b.count))
            let order = n == 0 ? 0 : memcmp(aBytes.baseAddress! + a.start, bBytes.baseAddress! + b.start, n)
            return order != 0 ? order < 0 : a.count < b.count
        }
        func string(_ s: Span, _ bytes: UnsafeBufferPointer<UInt8>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[s.start..<s.start + Int(s.count)]), as: UTF8.self)
        }
        return string(a, aBytes) < string(b, bBytes)
    }

    /// Whether `text` is valid UTF-8 of characters below U+0300 only: ASCII, or two-byte
    /// sequences led by C2–CB. Such texts are in NFC already, and their byte order is their
    /// scalar order, which is what `String <` compares.
    static func ordersByBytes(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < text.count {
            let byte = text[i]
            if byte < 0x80 { i += 1; continue }
            guard byte >= 0xC2, byte <= 0xCB, i + 1 < text.count, text[i + 1] & 0xC0 == 0x80 else { return false }
            i += 2
        }
        return true
    }
}

/// A free text of the row being read: decoded, or the bytes of a JSON string without escapes
/// (valid only while the row is read).
enum RowText {
    case decoded(String)
    case raw(UnsafeBufferPointer<UInt8>)

    var string: String {
        switch self {
        case .decoded(let string): return string
        case .raw(let raw): return String(decoding: raw, as: UTF8.self)
        }
    }
}
