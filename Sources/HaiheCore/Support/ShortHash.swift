/// FNV-1a, 64 bits: a short, stable name for a text where collisions must be unlikely but nobody is trying to forge
/// one — ETags of API answers, and index names made from field names (PostgreSQL cuts names at 63 bytes).
public enum ShortHash {
    public static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}
