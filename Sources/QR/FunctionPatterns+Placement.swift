/// Codeword placement, ISO/IEC 18004:2015, 7.7.3: the final message as one bit stream, most
/// significant bit first, in two-module wide columns from the right, upwards and downwards in
/// turn, skipping function patterns and the vertical timing pattern's column; the remainder
/// bits (7.6) after the last codeword are 0.
extension FunctionPatterns {
    /// The unmasked symbol: these function patterns with the message placed around them.
    func placing(_ message: [UInt8]) -> [UInt8] {
        var result = modules
        let totalBits = message.count * 8
        var bit = 0
        var right = size - 1
        var upward = true
        result.withUnsafeMutableBufferPointer { result in
            isFunction.withUnsafeBufferPointer { isFunction in
                message.withUnsafeBufferPointer { message in
                    while right >= 1 {
                        if right == 6 { right = 5 }
                        for step in 0..<size {
                            let y = upward ? size - 1 - step : step
                            for dx in 0..<2 {
                                let i = y * size + right - dx
                                guard isFunction[i] == 0 else { continue }
                                if bit < totalBits {
                                    result[i] = (message[bit >> 3] >> UInt8(7 - (bit & 7))) & 1
                                }
                                bit += 1
                            }
                        }
                        upward.toggle()
                        right -= 2
                    }
                }
            }
        }
        return result
    }
}
