/// Reed–Solomon error correction codewords over GF(256), ISO/IEC 18004:2015, 7.5.2 and Annex A:
/// the field's prime polynomial is x⁸ + x⁴ + x³ + x² + 1 (0x11D) and the generator polynomial
/// of degree n is (x − α⁰)(x − α¹)…(x − αⁿ⁻¹).
enum ReedSolomon {
    /// αⁱ for i in 0..<510, twice over, so that a sum of two logarithms needs no modulo.
    static let exponents: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 512)
        var value = 1
        for i in 0..<255 {
            table[i] = UInt8(value)
            table[i + 255] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        table[510] = table[0]
        table[511] = table[1]
        return table
    }()

    /// The logarithm to base α of every non-zero element (index 0 is unused).
    static let logarithms: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        for i in 0..<255 { table[Int(exponents[i])] = UInt8(i) }
        return table
    }()

    /// The product of two field elements.
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        if a == 0 || b == 0 { return 0 }
        return exponents[Int(logarithms[Int(a)]) + Int(logarithms[Int(b)])]
    }

    /// The generator polynomials of degree 0...30, each as the logarithms of its coefficients
    /// from the highest power down, the leading 1 left out (Annex A lists them this way).
    static let generators: [[UInt8]] = {
        var result: [[UInt8]] = [[]]
        var polynomial: [UInt8] = [1]   // coefficients, highest power first
        for degree in 1...30 {
            // Multiply by (x − α^(degree−1)); in GF(256) subtraction is addition.
            let root = exponents[degree - 1]
            var next = polynomial + [0]
            for i in 1..<next.count { next[i] ^= multiply(polynomial[i - 1], root) }
            polynomial = next
            result.append(polynomial.dropFirst().map { logarithms[Int($0)] })
        }
        return result
    }()

    /// The `count` error correction codewords of `data`: the remainder of data(x)·xⁿ divided by
    /// the generator polynomial of degree n.
    static func errorCorrection(for data: ArraySlice<UInt8>, count: Int) -> [UInt8] {
        var remainder = [UInt8](repeating: 0, count: count)
        generators[count].withUnsafeBufferPointer { generator in
            exponents.withUnsafeBufferPointer { exp in
                logarithms.withUnsafeBufferPointer { log in
                    remainder.withUnsafeMutableBufferPointer { r in
                        for byte in data {
                            let factor = byte ^ r[0]
                            for i in 1..<count { r[i - 1] = r[i] }
                            r[count - 1] = 0
                            if factor != 0 {
                                let f = Int(log[Int(factor)])
                                for i in 0..<count { r[i] ^= exp[f + Int(generator[i])] }
                            }
                        }
                    }
                }
            }
        }
        return remainder
    }
}
