/// 公民身份号码 (GB 11643-1999): address code, birth date, sequence, and an ISO 7064 MOD 11-2 check character.
public enum ResidentIdentityNumber {
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkMap: [UInt8] = Array("10X98765432".utf8)

    public static func checkCharacter(for first17: some StringProtocol) -> Character? {
        var text = String(first17)
        return text.withUTF8 { b in
            guard b.count == 17 else { return nil }
            return check(b).map { Character(Unicode.Scalar($0)) }
        }
    }

    /// The check character of the first 17 bytes, or nil when one is not a digit.
    static func check(_ b: UnsafeBufferPointer<UInt8>) -> UInt8? {
        var sum = 0
        for i in 0..<17 {
            let digit = Int(b[i]) - 0x30
            guard (0...9).contains(digit) else { return nil }
            sum += digit * weights[i]
        }
        return checkMap[sum % 11]
    }

    /// Valid when the check character matches and the birth date is a real calendar date.
    public static func isValid(_ number: String) -> Bool {
        var number = number
        return number.withUTF8 { isValid(utf8: $0) }
    }

    public static func isValid(utf8 b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count == 18, let expected = check(b) else { return false }
        guard b[17] == expected || (expected == 0x58 && b[17] == 0x78) else { return false }  // X or x
        return CalendarDate.isValidCompact(utf8: UnsafeBufferPointer(rebasing: b[6..<14]))
    }
}

/// Plain Gregorian date checks, without Foundation calendars, for validators on hot paths.
public enum CalendarDate {
    /// `YYYYMMDD` naming a real day between 1900 and 2100.
    public static func isValidCompact(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { isValidCompact(utf8: $0) }
    }

    public static func isValidCompact(utf8 b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count == 8, let year = number(b, 0, 4), let month = number(b, 4, 2), let day = number(b, 6, 2) else { return false }
        return isValid(year: year, month: month, day: day) && (1900...2100).contains(year)
    }

    /// The decimal number in `length` bytes from `start`, or nil when one is not a digit.
    public static func number(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ length: Int) -> Int? {
        var value = 0
        for i in start..<(start + length) {
            let digit = Int(b[i]) - 0x30
            guard (0...9).contains(digit) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    public static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        return day <= daysIn(month: month, year: year)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
