/// 手机号码: mainland China mobile numbers, 11 digits beginning 13–19.
public enum MobileNumber {
    public static func isValid(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { isValid(utf8: $0) }
    }

    /// The same check on UTF-8 bytes, for ingest, where a million rows must not each become a String.
    public static func isValid(utf8 b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count == 11, b[0] == 0x31, (0x33...0x39).contains(b[1]) else { return false }
        return b.allSatisfy { (0x30...0x39).contains($0) }
    }
}

/// 邮政编码: six digits; the first two name the province-level postal area (01–86).
public enum PostalCode {
    public static func isValid(utf8 b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count == 6, b.allSatisfy({ (0x30...0x39).contains($0) }) else { return false }
        let area = Int(b[0] - 0x30) * 10 + Int(b[1] - 0x30)
        return (1...86).contains(area)
    }
}
