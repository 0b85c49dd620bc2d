import Glibc

/// A file mapped read-only into memory, to be scanned once from start to end. The pages read
/// so far can be let go (`release`): they stay in the kernel's page cache, but no longer count
/// as this process's memory, so a file of a million rows is imported in flat memory.
final class MappedFile {
    let bytes: UnsafeBufferPointer<UInt8>

    /// Nil when the file cannot be opened or mapped (a folder, no permission).
    init?(path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        guard status.st_size > 0 else {
            bytes = UnsafeBufferPointer(start: nil, count: 0)
            return
        }
        let size = Int(status.st_size)
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else { return nil }
        _ = madvise(address, size, MADV_SEQUENTIAL)
        bytes = UnsafeBufferPointer(start: address.assumingMemoryBound(to: UInt8.self), count: size)
    }

    /// Lets go of the pages in memory; reading them again maps them back from the page cache.
    func release() {
        guard let base = bytes.baseAddress else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base), bytes.count, MADV_DONTNEED)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
