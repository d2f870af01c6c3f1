/// 公民身份号码 (GB 11643-1999): address code, birth date, sequence, and an ISO 7064 MOD 11-2 check character.
public enum ResidentIdentityNumber {
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkMap: [Character] = Array("10X98765432")

    public static func checkCharacter(for first17: some StringProtocol) -> Character? {
        let digits = first17.compactMap { $0.isASCII ? $0.wholeNumberValue : nil }
        guard digits.count == 17, first17.count == 17 else { return nil }
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return checkMap[sum % 11]
    }

    /// Valid when the check character matches and the birth date is a real calendar date.
    public static func isValid(_ number: String) -> Bool {
        let chars = Array(number)
        guard chars.count == 18, let check = checkCharacter(for: String(chars[0..<17])) else { return false }
        guard chars[17] == check || (check == "X" && chars[17] == "x") else { return false }
        let birth = String(chars[6..<14])
        return CalendarDate.isValidCompact(birth)
    }
}

/// Plain Gregorian date checks, without Foundation calendars, for validators on hot paths.
public enum CalendarDate {
    /// `YYYYMMDD` naming a real day between 1900 and 2100.
    public static func isValidCompact(_ text: String) -> Bool {
        let digits = text.compactMap { $0.isASCII ? $0.wholeNumberValue : nil }
        guard digits.count == 8, text.count == 8 else { return false }
        let year = digits[0...3].reduce(0) { $0 * 10 + $1 }
        let month = digits[4] * 10 + digits[5]
        let day = digits[6] * 10 + digits[7]
        return isValid(year: year, month: month, day: day) && (1900...2100).contains(year)
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
