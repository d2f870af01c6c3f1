/// 手机号码: mainland China mobile numbers, 11 digits beginning 13–19.
public enum MobileNumber {
    public static func isValid(_ text: String) -> Bool {
        let chars = Array(text)
        guard chars.count == 11, chars.allSatisfy({ $0.isASCII && $0.isNumber }), chars[0] == "1" else { return false }
        return ("3"..."9").contains(chars[1])
    }
}
