// Ours for bench/qr: each line of standard input encoded as a QR code at level M (the smallest
// version, the mask chosen by the penalty score) and written as an SVG document, in one
// process; the time covers encoding and writing, not reading. bench/qr compiles this file
// together with Sources/QR (`swiftc -O -wmo`, as a release build compiles the target).
//
//   qr-bench < URL-FILE     prints: codes, bytes of SVG, seconds, CPU seconds
import Glibc

@main
struct QRBench {
    static func now(_ clock: clockid_t) -> Double {
        var time = timespec()
        clock_gettime(clock, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func main() throws {
        var lines: [String] = []
        while let line = readLine() { lines.append(line) }
        var bytes = 0
        let start = now(CLOCK_MONOTONIC), cpuStart = now(CLOCK_PROCESS_CPUTIME_ID)
        for line in lines {
            let code = try QRCode(text: line, level: .medium)
            bytes += code.svg().utf8.count
        }
        let seconds = now(CLOCK_MONOTONIC) - start, cpu = now(CLOCK_PROCESS_CPUTIME_ID) - cpuStart
        print(lines.count, bytes, seconds, cpu)
    }
}
