import Foundation
import Testing
@testable import HaiheCore

@Suite("统一社会信用代码 GB 32100")
struct UnifiedSocialCreditCodeTests {
    @Test("the standard's example is valid")
    func example() {
        #expect(UnifiedSocialCreditCode.isValid("91350100M000100Y43"))
        #expect(UnifiedSocialCreditCode.problem(with: "91350100M000100Y43") == nil)
    }

    @Test("a changed character breaks the check", arguments: ["91350100M000100Y44", "91350100M000100Y42", "81350100M000100Y43"])
    func tampered(code: String) {
        #expect(!UnifiedSocialCreditCode.isValid(code))
        #expect(UnifiedSocialCreditCode.problem(with: code)?.code == "credit_code.check")
    }

    @Test("wrong length and forbidden letters are named")
    func shape() {
        #expect(UnifiedSocialCreditCode.problem(with: "9135010")?.code == "credit_code.length")
        #expect(UnifiedSocialCreditCode.problem(with: "91350100M000100I43")?.code == "credit_code.character")
        #expect(UnifiedSocialCreditCode.problem(with: "91350100M000100Y4")!.messageZH.contains("18位"))
    }

    @Test("codes built from parts validate, including their GB 11714 organisation code")
    func make() throws {
        let code = try #require(UnifiedSocialCreditCode.make(authority: "1", type: "1", division: "120000", organizationBody: "40120000"))
        #expect(code.count == 18)
        #expect(code.hasPrefix("11120000"))
        #expect(UnifiedSocialCreditCode.isValid(code))
        // The example's organisation code M000100Y carries check character 4.
        #expect(OrganizationCode.checkCharacter(for: "M000100Y") == "4")
    }
}

@Suite("公民身份号码 GB 11643")
struct ResidentIdentityNumberTests {
    @Test("the standard's example with X is valid")
    func example() {
        #expect(ResidentIdentityNumber.isValid("11010519491231002X"))
        #expect(ResidentIdentityNumber.isValid("11010519491231002x"))
    }

    @Test("a wrong check character or an impossible birth date is rejected",
          arguments: ["110105194912310021", "110105194902300025", "11010519491231002", "1101051949123100XX"])
    func invalid(number: String) {
        #expect(!ResidentIdentityNumber.isValid(number))
    }

    @Test("leap days are real dates only in leap years")
    func leapDays() {
        #expect(CalendarDate.isValidCompact("20000229"))
        #expect(!CalendarDate.isValidCompact("19000229"))
        #expect(!CalendarDate.isValidCompact("20230229"))
    }
}

@Suite("Identifiers and timestamps")
struct IdentifierTests {
    @Test("identifiers are UUID version 7, unique and ordered by time")
    func uuidV7() {
        let earlier = Identifier.make(now: Date(timeIntervalSince1970: 1_700_000_000))
        let later = Identifier.make(now: Date(timeIntervalSince1970: 1_700_000_001))
        #expect(Identifier.isWellFormed(earlier))
        #expect(Array(earlier)[14] == "7")
        #expect(earlier < later)
        let many = Set((0..<1000).map { _ in Identifier.make() })
        #expect(many.count == 1000)
    }

    @Test("timestamps round-trip in fixed-width UTC text that sorts by time")
    func timestamps() throws {
        let date = Date(timeIntervalSince1970: 1_764_491_700.123)
        let text = Timestamp.format(date)
        #expect(text == "2025-11-30T08:35:00.123Z")
        let parsed = try #require(Timestamp.parse(text))
        #expect(abs(parsed.timeIntervalSince(date)) < 0.001)
        #expect(Timestamp.format(date) < Timestamp.format(date.addingTimeInterval(0.5)))
    }

    @Test("the fast reading of stored timestamps agrees with Foundation's ISO 8601 parser, leap days and years before 1970 included, and reads back what it wrote")
    func storedTimestampsParseExactly() throws {
        let strategy = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        var generator = SystemRandomNumberGenerator()
        let fixed = ["2024-02-29T23:59:59.999Z", "1900-03-01T00:00:00.000Z", "0001-01-01T00:00:00.000Z", "9999-12-31T23:59:59.000Z",
                     "1969-12-31T23:59:59.001Z", "2000-02-29T12:00:00.500Z"]
        let random = (0..<2_000).map { _ in Timestamp.format(Date(timeIntervalSince1970: Double.random(in: -6e10...2.5e11, using: &generator))) }
        for text in fixed + random {
            let fast = try #require(Timestamp.parse(text), "\(text)")
            // Foundation switches to the Julian calendar before 1582; storage (gmtime) is proleptic Gregorian throughout.
            if text >= "1600" {
                let foundation = try strategy.parse(text)
                #expect(abs(fast.timeIntervalSince(foundation)) < 0.0005, "\(text)")
            }
            #expect(Timestamp.format(fast) == text)
        }
        // Other ISO 8601 forms still parse through Foundation; garbage does not parse.
        #expect(Timestamp.parse("2026-12-01T08:00:00Z") != nil)
        #expect(Timestamp.parse("2026-13-01T08:00:00.000Z") == nil)
        #expect(Timestamp.parse("2026-1a-01T08:00:00.000Z") == nil)
    }
}

@Suite("Organisations, users and passwords")
struct IdentityRuleTests {
    @Test("an organisation needs a valid code, a Chinese name and, for a district department, a parent")
    func organizationRules() {
        let valid = Organization(kind: .cityDepartment, nameZH: "天津市气象局", creditCode: "91350100M000100Y43")
        #expect(throws: Never.self) { try valid.validate() }
        var noName = valid; noName.nameZH = " "
        #expect(throws: HaiheError.self) { try noName.validate() }
        var badCode = valid; badCode.creditCode = "91350100M000100Y44"
        #expect(throws: HaiheError.self) { try badCode.validate() }
        var orphan = valid; orphan.kind = .districtDepartment
        #expect(throws: HaiheError.self) { try orphan.validate() }
        var badDivision = valid; badDivision.divisionCode = "12A000"
        #expect(throws: HaiheError.self) { try badDivision.validate() }
    }

    @Test("a user needs a sane username, a name and a role")
    func userRules() {
        let user = User(organizationID: Identifier.make(), username: "scjg.provider", displayName: "张数据", roles: [.provider])
        #expect(throws: Never.self) { try user.validate() }
        var spaced = user; spaced.username = "bad name"
        #expect(throws: HaiheError.self) { try spaced.validate() }
        var roleless = user; roleless.roles = []
        #expect(throws: HaiheError.self) { try roleless.validate() }
    }

    @Test("passwords are bcrypt-hashed, verified, and held to the strength rule")
    func passwords() {
        let hash = PasswordHashing.hash("Tianjin-Haihe-2026", cost: 4)
        #expect(hash.hasPrefix("$2"))
        #expect(PasswordHashing.verify("Tianjin-Haihe-2026", hash: hash))
        #expect(!PasswordHashing.verify("tianjin-haihe-2026", hash: hash))
        #expect(PasswordHashing.strengthProblem("short1A") != nil)
        #expect(PasswordHashing.strengthProblem("alllowercaseletters") != nil)
        #expect(PasswordHashing.strengthProblem("Tianjin-Haihe-2026") == nil)
    }
}
