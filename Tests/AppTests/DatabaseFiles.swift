import Foundation

/// The database files read raw, the way someone with a copy of them would read them
/// (https://www.sqlite.org/fileformat2.html, https://www.sqlite.org/walformat.html).
enum DatabaseFiles {
    /// One frame of a `-wal` file: a page image and the frame header before it.
    struct Frame {
        /// The frame's place in the file (1 = the first after the 32-byte header).
        let index: Int
        let page: UInt32
        /// Not 0 for the last frame of a commit: the database's size in pages after it.
        let commitSize: UInt32
        /// The first salt of the WAL header when the frame was written: it goes up by one each
        /// time the WAL starts over, so it orders frames of earlier rounds that were not overwritten.
        let round: UInt32
        let image: [UInt8]
    }

    /// Every frame in the file, valid or left over from an earlier round of the WAL.
    static func frames(wal bytes: [UInt8]) -> [Frame] {
        guard bytes.count >= 32 else { return [] }
        let pageSize = Int(bigEndian(bytes, 8))
        guard pageSize >= 512 else { return [] }
        var frames: [Frame] = []
        var offset = 32
        while offset + 24 + pageSize <= bytes.count {
            frames.append(Frame(index: frames.count + 1, page: bigEndian(bytes, offset), commitSize: bigEndian(bytes, offset + 4),
                                round: bigEndian(bytes, offset + 8), image: Array(bytes[(offset + 24)..<(offset + 24 + pageSize)])))
            offset += 24 + pageSize
        }
        return frames
    }

    /// The page numbers the `-shm` index still lists for frames past the WAL's end (`mxFrame`):
    /// what it remembers of earlier rounds. Region 0 holds frames 1–4062 after its 136-byte
    /// header, each further 32 KiB region 4096 more.
    static func staleIndexEntries(shm bytes: [UInt8]) -> [UInt32] {
        guard bytes.count >= 136 else { return [] }
        let lastFrame = Int(UInt32(bytes[16]) | UInt32(bytes[17]) << 8 | UInt32(bytes[18]) << 16 | UInt32(bytes[19]) << 24)
        var stale: [UInt32] = []
        var frame = 0
        for region in 0..<(bytes.count / 32768) {
            let start = region == 0 ? 136 : region * 32768
            for slot in 0..<(region == 0 ? 4062 : 4096) {
                frame += 1
                let at = start + 4 * slot
                let page = UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
                if frame > lastFrame && page != 0 { stale.append(page) }
            }
        }
        return stale
    }

    /// The rows of a table b-tree leaf page, each as its columns: SQLite's serial type and bytes.
    /// Rows that spill to overflow pages are left out.
    static func tableRows(_ image: [UInt8], page: UInt32) -> [[(type: UInt64, bytes: ArraySlice<UInt8>)]] {
        let header = page == 1 ? 100 : 0
        guard image.count > header + 8, image[header] == 0x0D else { return [] }
        let cells = Int(image[header + 3]) << 8 | Int(image[header + 4])
        var rows: [[(type: UInt64, bytes: ArraySlice<UInt8>)]] = []
        for cell in 0..<cells {
            let pointer = header + 8 + 2 * cell
            guard pointer + 1 < image.count else { break }
            var i = Int(image[pointer]) << 8 | Int(image[pointer + 1])
            guard i < image.count else { continue }
            let payload = Int(varint(image, &i))
            _ = varint(image, &i)   // the rowid
            guard payload <= image.count - 35, i + payload <= image.count else { continue }
            let start = i
            let headerSize = Int(varint(image, &i))
            var types: [UInt64] = []
            while i < start + headerSize, i < image.count { types.append(varint(image, &i)) }
            var body = start + headerSize
            var columns: [(type: UInt64, bytes: ArraySlice<UInt8>)] = []
            for type in types {
                let size: Int
                switch type {
                case 1, 2, 3, 4: size = Int(type)
                case 5: size = 6
                case 6, 7: size = 8
                case 12...: size = Int((type - 12) / 2)
                default: size = 0
                }
                guard body + size <= image.count else { break }
                columns.append((type, image[body..<(body + size)]))
                body += size
            }
            rows.append(columns)
        }
        return rows
    }

    /// The participants on a page, by token, with their "answered" flag (columns 7 and 8 of
    /// the participants table).
    static func participants(_ image: [UInt8], page: UInt32, tokens: Set<String>) -> [String: Bool] {
        var found: [String: Bool] = [:]
        for row in tableRows(image, page: page) where row.count >= 9 {
            let token = String(decoding: row[7].bytes, as: UTF8.self)
            if tokens.contains(token) { found[token] = row[8].type == 9 }
        }
        return found
    }

    /// The response ids whose bytes appear on a page.
    static func responses(_ image: [UInt8], ids: [String]) -> Set<String> {
        let data = Data(image)
        return Set(ids.filter { data.range(of: Data($0.utf8)) != nil })
    }

    /// The review's attack: replays the frames round by round and commit by commit, and diffs
    /// each page image with the one before it (the page's last earlier frame of the same round
    /// of the WAL or the round before). A commit in which participants' flags went from 0 to 1
    /// and response ids appeared links them: returns each such commit's participants and responses.
    static func links(wal: [UInt8], tokens: Set<String>, responseIDs: [String]) -> [(participants: Set<String>, responses: Set<String>)] {
        var last: [UInt32: (round: UInt32, image: [UInt8])] = [:]
        var found: [(participants: Set<String>, responses: Set<String>)] = []
        var answered: Set<String> = [], appeared: Set<String> = []
        for frame in frames(wal: wal).sorted(by: { ($0.round, $0.index) < ($1.round, $1.index) }) {
            if let earlier = last[frame.page], frame.round &- earlier.round <= 1 {
                let was = participants(earlier.image, page: frame.page, tokens: tokens)
                for (token, flag) in participants(frame.image, page: frame.page, tokens: tokens) where flag && was[token] == false {
                    answered.insert(token)
                }
                appeared.formUnion(responses(frame.image, ids: responseIDs).subtracting(responses(earlier.image, ids: responseIDs)))
            }
            last[frame.page] = (frame.round, frame.image)
            if frame.commitSize != 0 {
                if !answered.isEmpty && !appeared.isEmpty { found.append((answered, appeared)) }
                answered = []
                appeared = []
            }
        }
        return found
    }

    static func bigEndian(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }

    /// SQLite's variable-length integer: 7 bits a byte, big-endian, the ninth byte whole.
    static func varint(_ bytes: [UInt8], _ i: inout Int) -> UInt64 {
        var value: UInt64 = 0
        for n in 0..<9 {
            guard i < bytes.count else { return value }
            let byte = bytes[i]
            i += 1
            if n == 8 { return value << 8 | UInt64(byte) }
            value = value << 7 | UInt64(byte & 0x7F)
            if byte & 0x80 == 0 { return value }
        }
        return value
    }
}
