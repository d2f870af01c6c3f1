/// 统一社会信用代码 (GB 32100-2015): the 18-character code every organisation carries.
///
/// Characters come from 0-9 and A-Z without I, O, Z, S, V (31 symbols). Positions 1-17 are weighted with
/// 3^i mod 31; the 18th character is `31 - (sum mod 31)` (31 becoming 0) mapped back to the symbol set.
public enum UnifiedSocialCreditCode {
    static let alphabet: [Character] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    static let values: [Character: Int] = Dictionary(uniqueKeysWithValues: alphabet.enumerated().map { ($1, $0) })
    /// Byte → value in the symbol set, -1 for bytes outside it.
    static let byteValues: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (value, symbol) in alphabet.enumerated() { table[Int(symbol.asciiValue!)] = Int8(value) }
        return table
    }()

    /// The check character for the first 17 characters, or nil when they hold a symbol outside the set.
    public static func checkCharacter(for first17: some StringProtocol) -> Character? {
        var text = String(first17)
        return text.withUTF8 { b in b.count == 17 ? check(b).map { alphabet[$0] } : nil }
    }

    /// The value of the check character for the first 17 bytes.
    static func check(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        var sum = 0
        for i in 0..<17 {
            let value = Int(byteValues[Int(b[i])])
            guard value >= 0 else { return nil }
            sum += value * weights[i]
        }
        return (31 - sum % 31) % 31
    }

    public static func isValid(_ code: String) -> Bool {
        var code = code
        return code.withUTF8 { isValid(utf8: $0) }
    }

    /// The same check on UTF-8 bytes, for ingest.
    public static func isValid(utf8 b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count == 18, let expected = check(b) else { return false }
        return Int(byteValues[Int(b[17])]) == expected
    }

    /// Why `code` is not a valid code, in both languages, or nil when it is valid.
    public static func problem(with code: String) -> HaiheError? {
        let chars = Array(code)
        if chars.count != 18 {
            return .invalid("credit_code.length",
                            zh: "统一社会信用代码应为18位，实际为\(chars.count)位",
                            en: "A unified social credit code has 18 characters, this one has \(chars.count)")
        }
        if let bad = chars.first(where: { values[$0] == nil }) {
            return .invalid("credit_code.character",
                            zh: "统一社会信用代码含有不允许的字符“\(bad)”（不使用I、O、Z、S、V）",
                            en: "The unified social credit code contains the character '\(bad)', which is not allowed (I, O, Z, S, V are never used)")
        }
        if !isValid(code) {
            return .invalid("credit_code.check",
                            zh: "统一社会信用代码校验位错误",
                            en: "The check character of the unified social credit code is wrong")
        }
        return nil
    }

    /// Builds a valid code from its parts: registration authority, organisation type, a six-digit
    /// administrative division and a nine-character organisation code (GB 11714, with its own check).
    public static func make(authority: Character, type: Character, division: String, organizationBody: String) -> String? {
        guard division.count == 6, organizationBody.count == 8,
              let orgCheck = OrganizationCode.checkCharacter(for: organizationBody) else { return nil }
        let first17 = "\(authority)\(type)\(division)\(organizationBody)\(orgCheck)"
        guard let check = checkCharacter(for: first17) else { return nil }
        return first17 + String(check)
    }
}

/// 组织机构代码 (GB 11714-1997): eight body characters and a MOD 11 check character (X for 10).
public enum OrganizationCode {
    static let weights = [3, 7, 9, 10, 5, 8, 4, 2]

    public static func checkCharacter(for body: some StringProtocol) -> Character? {
        let chars = Array(body)
        guard chars.count == 8 else { return nil }
        var sum = 0
        for (i, c) in chars.enumerated() {
            let v: Int
            if let d = c.wholeNumberValue, c.isASCII { v = d }
            else if c.isASCII, c.isUppercase, let a = c.asciiValue { v = Int(a) - 55 }  // A=10 … Z=35
            else { return nil }
            sum += v * weights[i]
        }
        let check = 11 - sum % 11
        switch check {
        case 10: return "X"
        case 11: return "0"
        default: return Character(String(check))
        }
    }
}
