import Foundation
import HaiheCore
import HaiheStore

/// A demo city that makes a new platform feel alive: the regulator, city departments across the
/// Art. 24 priority domains, two districts with a department each, a court, a utility contributing
/// social data, a company, and a user for every role.
public enum DemoCity {
    /// One demo account as written to `demo-credentials.json`.
    public struct Credential: Codable, Sendable, Equatable {
        public let username: String
        public let password: String
        public let role: String
        public let organization: String
    }

    struct OrgSpec {
        let key: String
        let kind: OrganizationKind
        let zh: String
        let en: String
        let division: String
        let parent: String?
        let domain: String?
    }

    struct UserSpec {
        let username: String
        let name: String
        let org: String
        let roles: [Role]
    }

    static let organizations: [OrgSpec] = [
        OrgSpec(key: "wxb", kind: .regulator, zh: "天津市互联网信息办公室", en: "Tianjin Internet Information Office", division: "120000", parent: nil, domain: nil),
        OrgSpec(key: "scjg", kind: .cityDepartment, zh: "天津市市场监督管理委员会", en: "Tianjin Market Regulation Commission", division: "120000", parent: nil, domain: "企业登记监管"),
        OrgSpec(key: "fgw", kind: .cityDepartment, zh: "天津市发展和改革委员会", en: "Tianjin Development and Reform Commission", division: "120000", parent: nil, domain: "信用"),
        OrgSpec(key: "jtys", kind: .cityDepartment, zh: "天津市交通运输委员会", en: "Tianjin Transport Commission", division: "120000", parent: nil, domain: "交通"),
        OrgSpec(key: "wjw", kind: .cityDepartment, zh: "天津市卫生健康委员会", en: "Tianjin Health Commission", division: "120000", parent: nil, domain: "医疗"),
        OrgSpec(key: "rsj", kind: .cityDepartment, zh: "天津市人力资源和社会保障局", en: "Tianjin Human Resources and Social Security Bureau", division: "120000", parent: nil, domain: "就业 社保"),
        OrgSpec(key: "jw", kind: .cityDepartment, zh: "天津市教育委员会", en: "Tianjin Education Commission", division: "120000", parent: nil, domain: "教育"),
        OrgSpec(key: "sthj", kind: .cityDepartment, zh: "天津市生态环境局", en: "Tianjin Ecology and Environment Bureau", division: "120000", parent: nil, domain: "环境"),
        OrgSpec(key: "qxj", kind: .cityDepartment, zh: "天津市气象局", en: "Tianjin Meteorological Bureau", division: "120000", parent: nil, domain: "气象"),
        OrgSpec(key: "gaj", kind: .cityDepartment, zh: "天津市公安局", en: "Tianjin Public Security Bureau", division: "120000", parent: nil, domain: "基础数据"),
        OrgSpec(key: "hpq", kind: .districtGovernment, zh: "天津市和平区人民政府", en: "Heping District Government", division: "120101", parent: nil, domain: nil),
        OrgSpec(key: "hpq-scjg", kind: .districtDepartment, zh: "和平区市场监督管理局", en: "Heping District Market Regulation Bureau", division: "120101", parent: "hpq", domain: "企业登记监管"),
        OrgSpec(key: "bhxq", kind: .districtGovernment, zh: "天津市滨海新区人民政府", en: "Binhai New Area Government", division: "120116", parent: nil, domain: nil),
        OrgSpec(key: "bhxq-sthj", kind: .districtDepartment, zh: "滨海新区生态环境局", en: "Binhai New Area Ecology and Environment Bureau", division: "120116", parent: "bhxq", domain: "环境"),
        OrgSpec(key: "gy", kind: .judicialBody, zh: "天津市高级人民法院", en: "Tianjin High People's Court", division: "120000", parent: nil, domain: "信用"),
        OrgSpec(key: "dl", kind: .socialDataContributor, zh: "国网天津市电力公司", en: "State Grid Tianjin Electric Power Company", division: "120000", parent: nil, domain: "能源"),
        OrgSpec(key: "hhsj", kind: .enterprise, zh: "天津海河数据科技有限公司", en: "Tianjin Haihe Data Technology Co., Ltd.", division: "120116", parent: nil, domain: nil),
    ]

    static let users: [UserSpec] = [
        UserSpec(username: "admin", name: "平台管理员", org: "wxb", roles: [.admin]),
        UserSpec(username: "regulator", name: "王监管", org: "wxb", roles: [.regulator]),
        UserSpec(username: "auditor", name: "李审计", org: "wxb", roles: [.auditor]),
        UserSpec(username: "scjg.provider", name: "张数据", org: "scjg", roles: [.provider]),
        UserSpec(username: "scjg.consumer", name: "赵使用", org: "scjg", roles: [.consumer]),
        UserSpec(username: "fgw.provider", name: "钱信用", org: "fgw", roles: [.provider]),
        UserSpec(username: "jtys.provider", name: "孙交通", org: "jtys", roles: [.provider]),
        UserSpec(username: "wjw.provider", name: "周卫健", org: "wjw", roles: [.provider]),
        UserSpec(username: "rsj.provider", name: "吴人社", org: "rsj", roles: [.provider]),
        UserSpec(username: "rsj.consumer", name: "郑社保", org: "rsj", roles: [.consumer]),
        UserSpec(username: "jw.provider", name: "冯教育", org: "jw", roles: [.provider]),
        UserSpec(username: "sthj.provider", name: "陈环境", org: "sthj", roles: [.provider]),
        UserSpec(username: "qxj.provider", name: "褚气象", org: "qxj", roles: [.provider]),
        UserSpec(username: "gaj.consumer", name: "卫公安", org: "gaj", roles: [.consumer]),
        UserSpec(username: "hpq.provider", name: "蒋和平", org: "hpq-scjg", roles: [.provider, .consumer]),
        UserSpec(username: "bhxq.provider", name: "沈滨海", org: "bhxq-sthj", roles: [.provider, .consumer]),
        UserSpec(username: "court.consumer", name: "韩法院", org: "gy", roles: [.consumer]),
        UserSpec(username: "power.contributor", name: "杨电力", org: "dl", roles: [.contributor]),
        UserSpec(username: "citizen", name: "朱市民", org: "hhsj", roles: [.public]),
    ]

    public static let loadedKey = "demo.loaded_at"
    public static let credentialsFileName = "demo-credentials.json"

    /// Loads the demo city once. Returns the credentials it created, or nil when the demo was already loaded.
    /// The whole city is written in one transaction: a crash leaves either all of it or none. When
    /// `credentialsDirectory` is given the credentials file is written inside that transaction, so the
    /// demo is never committed without the file that says how to sign in.
    public static func load(into store: Store, credentialsDirectory: String? = nil, now: Date = Date()) async throws -> [Credential]? {
        if try await store.meta.value(loadedKey) != nil { return nil }
        var ids: [String: String] = [:]
        var orgs: [Organization] = []
        for (index, spec) in organizations.enumerated() {
            let org = Organization(kind: spec.kind, nameZH: spec.zh, nameEN: spec.en,
                                   creditCode: creditCode(for: spec, index: index), parentID: spec.parent.flatMap { ids[$0] },
                                   divisionCode: spec.division,
                                   contact: Contact(name: "\(spec.zh)数据管理员", phone: "022-2\(String(format: "%07d", 3_100_000 + index * 1_117))",
                                                    email: "data@\(spec.key).tj.example.gov.cn"),
                                   createdAt: now)
            ids[spec.key] = org.id
            orgs.append(org)
        }
        // Hash outside the transaction: bcrypt is deliberately slow and must not hold the write lock.
        var credentials: [Credential] = []
        var accounts: [(User, String)] = []
        for spec in users {
            let password = makePassword()
            let org = orgs.first { $0.id == ids[spec.org] }!
            let user = User(organizationID: org.id, username: spec.username, displayName: spec.name,
                            email: "\(spec.username)@demo.haihe.example", roles: Set(spec.roles), createdAt: now)
            accounts.append((user, PasswordHashing.hash(password)))
            credentials.append(Credential(username: spec.username, password: password,
                                          role: spec.roles.map(\.rawValue).joined(separator: ","), organization: org.nameZH))
        }
        let loaded = try await store.database.transaction { session -> Bool in
            if let lock = store.database.dialect.advisoryLock(key: 7273011) { _ = try await session.query(lock, []) }
            if try await session.first("SELECT value FROM platform_meta WHERE key = $1", loadedKey) != nil { return false }
            for org in orgs { try await SQLOrganizationRepository.insert(org, in: session) }
            for (user, hash) in accounts { try await SQLUserRepository.insert(user, passwordHash: hash, in: session) }
            let entries = try await DemoCatalog.load(organizations: ids, in: session, now: now)
            try await PlatformMeta.set(loadedKey, Timestamp.format(now), in: session)
            try await AuditTrail.append(AuditDraft(actor: nil, action: "demo.load", objectType: "platform",
                                                   detail: ["organizations": String(orgs.count), "users": String(accounts.count),
                                                            "catalog_versions": String(entries)]), in: session, at: now)
            if let credentialsDirectory { _ = try writeCredentials(credentials, dataDirectory: credentialsDirectory) }
            return true
        }
        return loaded ? credentials : nil
    }

    /// Writes the credentials next to the database, readable by the owner only.
    public static func writeCredentials(_ credentials: [Credential], dataDirectory: String) throws -> String {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let path = URL(fileURLWithPath: dataDirectory).appendingPathComponent(credentialsFileName).path
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(credentials)
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]),
              rename(temporary, path) == 0 else {
            throw HaiheError.invalid("demo.credentials_unwritable", zh: "无法写入演示账号文件 \(path)", en: "Cannot write the demo credentials file \(path)")
        }
        return path
    }

    /// A valid 统一社会信用代码 per organisation: 11 (机构编制, 机关) for government bodies,
    /// 12 for courts (事业单位 style), 91 (工商, 企业) for companies.
    static func creditCode(for spec: OrgSpec, index: Int) -> String {
        let prefix: (Character, Character) = switch spec.kind {
        case .socialDataContributor, .enterprise: ("9", "1")
        case .judicialBody: ("1", "2")
        default: ("1", "1")
        }
        let body = String(format: "%08d", 40_120_000 + index * 37)
        return UnifiedSocialCreditCode.make(authority: prefix.0, type: prefix.1, division: spec.division, organizationBody: body)!
    }

    /// A random password that meets the platform's strength rule.
    static func makePassword() -> String {
        let lower = Array("abcdefghijkmnpqrstuvwxyz"), upper = Array("ABCDEFGHJKLMNPQRSTUVWXYZ"), digits = Array("23456789")
        var generator = SystemRandomNumberGenerator()
        var chars: [Character] = []
        for _ in 0..<5 { chars.append(lower.randomElement(using: &generator)!) }
        for _ in 0..<4 { chars.append(upper.randomElement(using: &generator)!) }
        for _ in 0..<4 { chars.append(digits.randomElement(using: &generator)!) }
        chars.shuffle(using: &generator)
        return "Hh-" + String(chars)
    }
}
