import HummingbirdBcrypt

/// Passwords are kept only as bcrypt hashes (hummingbird-auth's implementation).
public enum PasswordHashing {
    /// Cost 10: about 60 ms per hash on this class of machine, the floor OWASP recommends for bcrypt.
    public static let cost: UInt8 = 10

    public static func hash(_ password: String, cost: UInt8 = PasswordHashing.cost) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    public static func verify(_ password: String, hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }

    /// The minimum strength rule: at least 10 characters, drawing on at least three of
    /// lower case, upper case, digits and other symbols.
    public static func strengthProblem(_ password: String) -> HaiheError? {
        var classes = 0
        if password.contains(where: { $0.isLowercase }) { classes += 1 }
        if password.contains(where: { $0.isUppercase }) { classes += 1 }
        if password.contains(where: { $0.isNumber }) { classes += 1 }
        if password.contains(where: { !$0.isLetter && !$0.isNumber }) { classes += 1 }
        if password.count < 10 || classes < 3 {
            return .invalid("password.weak",
                            zh: "密码至少10位，且包含大写字母、小写字母、数字、符号中的至少三类",
                            en: "A password needs at least 10 characters from at least three of: upper case, lower case, digits, symbols")
        }
        return nil
    }
}
