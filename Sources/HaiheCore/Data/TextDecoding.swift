#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The encodings departments' files arrive in: UTF-8 (with or without a byte-order mark) and GB18030, the national
/// standard that contains GBK and GB2312.
public enum TextEncoding: String, Sendable, Codable, CaseIterable {
    case utf8 = "utf-8"
    case gb18030

    /// Accepts the names people write: UTF8, utf-8, GBK, GB2312, gb18030, CP936 …
    public init?(name: String) {
        switch name.lowercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "") {
        case "utf8": self = .utf8
        case "gb18030", "gbk", "gb2312", "cp936", "936": self = .gb18030
        default: return nil
        }
    }
}

/// Turns chunks of a file into UTF-8, detecting the encoding from the first chunk when none is named: a byte-order
/// mark or valid UTF-8 means UTF-8; anything else is read as GB18030 (through the C library's iconv). A sequence cut
/// by a chunk boundary is carried over to the next chunk.
public final class TextDecoder {
    public enum Failure: Error, Equatable {
        case notText(offset: Int)
        case invalid(encoding: TextEncoding, offset: Int)
    }

    public private(set) var encoding: TextEncoding?
    private var carry: [UInt8] = []
    private var offset = 0
    private var converter: iconv_t?
    private var first = true

    public init(encoding: TextEncoding? = nil) {
        self.encoding = encoding
    }

    deinit {
        if let converter { iconv_close(converter) }
    }

    /// The UTF-8 text of `chunk` (plus what was carried over), minus any incomplete sequence at its end unless `final`.
    public func decode(_ chunk: UnsafeBufferPointer<UInt8>, final: Bool = false) throws -> [UInt8] {
        var input = carry
        input.append(contentsOf: chunk)
        carry.removeAll(keepingCapacity: true)
        var start = 0
        // A byte-order mark needs its three bytes to be seen.
        if first, input.count < 4, !final {
            carry = input
            return []
        }
        if first {
            first = false
            if input.starts(with: [0xEF, 0xBB, 0xBF]) {
                start = 3
                if encoding == nil { encoding = .utf8 }
            }
            if let nul = input.firstIndex(of: 0) { throw Failure.notText(offset: nul) }
            if encoding == nil {
                let valid = Self.validUTF8Prefix(input, from: start)
                encoding = valid == input.count || (!final && Self.incompleteTailOnly(input, from: valid)) ? .utf8 : .gb18030
            }
        }
        defer { offset += input.count - carry.count }
        switch encoding! {
        case .utf8:
            let valid = Self.validUTF8Prefix(input, from: start)
            if valid < input.count {
                // Only an incomplete sequence at the very end may wait for the next chunk.
                if !final, Self.incompleteTailOnly(input, from: valid) {
                    carry = Array(input[valid...])
                } else {
                    throw Failure.invalid(encoding: .utf8, offset: offset + valid)
                }
            }
            return Array(input[start..<valid])
        case .gb18030:
            return try convert(input, final: final)
        }
    }

    private func convert(_ input: [UInt8], final: Bool) throws -> [UInt8] {
        if converter == nil {
            let handle = iconv_open("UTF-8", "GB18030")
            guard handle != iconv_t(bitPattern: -1) else { throw Failure.invalid(encoding: .gb18030, offset: offset) }
            converter = handle
        }
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        var input = input
        let (consumed, produced, failure): (Int, Int, Int32) = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count, outLeft = outBuffer.count
                let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                return (inBuffer.count - inLeft, outBuffer.count - outLeft, result == -1 ? errno : 0)
            }
        }
        if failure == EINVAL, !final {
            carry = Array(input[consumed...])
        } else if failure != 0 {
            throw Failure.invalid(encoding: .gb18030, offset: offset + consumed)
        }
        output.removeSubrange(produced...)
        return output
    }

    /// The length of the longest prefix (from `start`) that is well-formed UTF-8.
    static func validUTF8Prefix(_ b: [UInt8], from start: Int) -> Int {
        var i = start
        let n = b.count
        while i < n {
            let lead = b[i]
            if lead < 0x80 { i += 1; continue }
            let length: Int, minimum: UInt32
            switch lead {
            case 0xC2...0xDF: (length, minimum) = (2, 0x80)
            case 0xE0...0xEF: (length, minimum) = (3, 0x800)
            case 0xF0...0xF4: (length, minimum) = (4, 0x10000)
            default: return i
            }
            guard i + length <= n else { return i }
            var scalar = UInt32(lead) & (0xFF >> (length + 1))
            for k in 1..<length {
                let next = b[i + k]
                guard next & 0xC0 == 0x80 else { return i }
                scalar = scalar << 6 | UInt32(next & 0x3F)
            }
            guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else { return i }
            i += length
        }
        return n
    }

    /// Whether the bytes from `index` are the beginning of one multi-byte sequence cut off by the chunk's end.
    static func incompleteTailOnly(_ b: [UInt8], from index: Int) -> Bool {
        let rest = b.count - index
        guard rest > 0, rest < 4 else { return false }
        let lead = b[index]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0
        return length > rest && b[(index + 1)...].allSatisfy { $0 & 0xC0 == 0x80 }
    }
}
