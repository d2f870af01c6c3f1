import Foundation
import HaiheCore
import HaiheStore

/// The demo city's share requests, one in every state (Art. 17): pending, overdue and escalated, approved with a
/// live grant, refused, in dispute with messages, awaiting the regulator, decided in part, withdrawn. Made through the
/// same store calls as real requests, at times in the past so the deadlines fall where the story needs them.
public enum DemoSharing {
    struct Step {
        var consumer: String     // username
        var entry: String        // resource code
        var fields: [String]
        var daysAgo: Double
        var story: [Move]
    }

    enum Move {
        case approve(fields: [String]?)
        case refuse(String, basis: String)
        case dispute(String)
        /// From a user by name, or from the provider's side when nil.
        case message(from: String?, String)
        case arbitration(from: String, String)
        case decide(ShareRequest.Decision, fields: [String]?, String)
        case withdraw
    }

    static let steps: [Step] = [
        Step(consumer: "gaj.consumer", entry: "101002-00003", fields: ["subject_code", "grade"], daysAgo: 0.1, story: []),
        Step(consumer: "court.consumer", entry: "502007-00001", fields: [], daysAgo: 10, story: []),
        Step(consumer: "gaj.consumer", entry: "502007-00001", fields: [], daysAgo: 20, story: [.approve(fields: nil)]),
        Step(consumer: "rsj.consumer", entry: "901011-00001", fields: [], daysAgo: 15,
             story: [.refuse("人口基础信息含敏感个人信息，申请用途与社保经办无直接关联", basis: "《中华人民共和国个人信息保护法》第三十四条")]),
        Step(consumer: "court.consumer", entry: "901011-00001", fields: [], daysAgo: 12, story: [
            .refuse("申请范围超出案件执行所需", basis: "《中华人民共和国个人信息保护法》第六条"),
            .dispute("执行案件需核实被执行人户籍信息，属法定职责"),
            .message(from: nil, "请列明案件编号和所需信息项，可考虑仅提供户籍地址"),
            .message(from: "court.consumer", "案件编号见附件；仅需姓名与户籍地址即可"),
        ]),
        Step(consumer: "hpq.provider", entry: "301004-00004", fields: [], daysAgo: 9, story: [
            .refuse("驾驶人违法记录仅用于交通管理", basis: "《中华人民共和国道路交通安全法》第一百一十三条"),
            .dispute("食品运输车辆驾驶人监管需要核查违法记录"),
            .arbitration(from: "hpq.provider", "双方协商不成，提请市网信办决定"),
        ]),
        Step(consumer: "gaj.consumer", entry: "601008-00002", fields: [], daysAgo: 30, story: [
            .refuse("学籍信息涉及未成年人", basis: "《中华人民共和国未成年人保护法》第七十二条"),
            .dispute("失踪儿童查找需要核对学籍"),
            .arbitration(from: "gaj.consumer", "请求监管部门决定"),
            .decide(.sharePartly, fields: nil, "学生姓名与在读学校可为查找失踪儿童共享，其余信息项不予共享"),
        ]),
        Step(consumer: "rsj.consumer", entry: "801010-00003", fields: [], daysAgo: 5, story: [.withdraw]),
    ]

    /// Applications for the conditionally open credit evaluations (Art. 23): one approved, one waiting for an answer.
    static func openApplications(_ store: Store, now: Date) async throws -> Int {
        guard let entry = try await store.catalog.findPublished("101002-00003", in: .open),
              let citizen = try await store.users.credentials(username: "citizen")?.user,
              let company = try await store.users.credentials(username: "power.contributor")?.user else { return 0 }
        let provider = try await store.users.list(organizationID: entry.providerID).first { $0.roles.contains(.provider) }
        func draft(_ action: Action, _ user: User?) -> AuditDraft {
            AuditDraft(actor: user.map { Subject(userID: $0.id, username: $0.username, organizationID: $0.organizationID, roles: $0.roles) },
                       action: action.rawValue, objectType: "opendata", detail: ["via": "demo"])
        }
        let approved = try await store.openApplications.submit(entry: entry, applicant: company, identity: "91120000MA05JXKX4M",
                                                               purpose: "评估供电客户信用以优化欠费催缴", intendedUse: "内部信用分级模型，不对外提供",
                                                               audit: draft(.openDataApply, company), at: now.addingTimeInterval(-6 * 86_400))
        _ = try await store.openApplications.answer(approved.id, .approve(terms: "仅限申请用途，不得转让或公开", until: now.addingTimeInterval(180 * 86_400)),
                                                    audit: draft(.openDataAnswer, provider), at: now.addingTimeInterval(-5 * 86_400))
        _ = try await store.openApplications.submit(entry: entry, applicant: citizen, identity: "11010519491231002X", purpose: "研究本市企业信用分布",
                                                    intendedUse: "学术论文", audit: draft(.openDataApply, citizen), at: now.addingTimeInterval(-3_600))
        return 2
    }

    /// Loads the requests once (skipped when any share request exists). Returns how many were made.
    @discardableResult
    public static func load(into store: Store, now: Date = Date()) async throws -> Int {
        guard try await store.sharing.requests(.all, organizationID: nil, limit: 1).isEmpty else { return 0 }
        var users: [String: User] = [:]
        func user(_ username: String) async throws -> User {
            if let known = users[username] { return known }
            guard let found = try await store.users.credentials(username: username)?.user else {
                throw HaiheError.notFound("user", zh: "演示用户", id: username)
            }
            users[username] = found
            return found
        }
        let regulator = try await user("regulator")
        var made = 0
        for step in steps {
            guard let entry = try await store.catalog.findPublished(step.entry, in: .sharing) else { continue }
            let consumer = try await user(step.consumer)
            let accepted = now.addingTimeInterval(-step.daysAgo * 86_400)
            let provider = try await store.users.list(organizationID: entry.providerID).first { $0.roles.contains(.provider) }
            let providerActor = SharingStore.Actor(userID: provider?.id ?? "demo", organizationID: entry.providerID)
            let consumerActor = SharingStore.Actor(userID: consumer.id, organizationID: consumer.organizationID)
            func draft(_ action: Action, _ actor: User?) -> AuditDraft {
                AuditDraft(actor: actor.map { Subject(userID: $0.id, username: $0.username, organizationID: $0.organizationID, roles: $0.roles) },
                           action: action.rawValue, objectType: "sharing", detail: ["via": "demo"])
            }
            let fields = step.fields.isEmpty ? Array(entry.fields.prefix(2).map(\.name)) : step.fields
            let application = ShareApplication(fields: fields, purpose: "依法履职所需的核查与比对", duty: "本单位法定职责范围内的监管与服务",
                                               legalBasis: "《天津市促进大数据发展应用条例》第十七条", periodStart: accepted,
                                               periodEnd: accepted.addingTimeInterval(365 * 86_400))
            let request = try await store.sharing.submit(entry: entry, application: application, by: consumerActor, audit: draft(.sharingApply, consumer), at: accepted)
            made += 1
            var time = accepted
            for move in step.story {
                time = time.addingTimeInterval(86_400 / 2)
                switch move {
                case .approve(let fields):
                    _ = try await store.sharing.answer(request.id, .approve(fields: fields, periodEnd: nil), entry: entry, by: providerActor,
                                                       audit: draft(.sharingAnswer, provider), at: time)
                case .refuse(let reason, let basis):
                    _ = try await store.sharing.answer(request.id, .refuse(reason: reason, basis: basis), entry: entry, by: providerActor,
                                                       audit: draft(.sharingAnswer, provider), at: time)
                case .dispute(let text):
                    _ = try await store.sharing.dispute(request.id, message: text, by: consumerActor, audit: draft(.sharingApply, consumer), at: time)
                case .message(let from, let text):
                    var author = provider
                    var actor = providerActor
                    if let from {
                        author = try await user(from)
                        actor = SharingStore.Actor(userID: author!.id, organizationID: author!.organizationID)
                    }
                    _ = try await store.sharing.message(request.id, text: text, by: actor, audit: draft(.sharingNegotiate, author), at: time)
                case .arbitration(let from, let text):
                    let author = try await user(from)
                    _ = try await store.sharing.requestArbitration(request.id, reason: text, by: .init(userID: author.id, organizationID: author.organizationID),
                                                                   audit: draft(.sharingNegotiate, author), at: time)
                case .decide(let decision, let fields, let reason):
                    _ = try await store.sharing.decide(request.id, decision, fields: fields ?? [entry.fields[0].name], reason: reason, entry: entry,
                                                       by: .init(userID: regulator.id, organizationID: regulator.organizationID),
                                                       audit: draft(.sharingArbitrate, regulator), at: time)
                case .withdraw:
                    _ = try await store.sharing.withdraw(request.id, by: consumerActor, audit: draft(.sharingApply, consumer), at: time)
                }
            }
        }
        // The overdue request goes before the regulator now rather than at the next periodic run.
        try await store.sharing.escalateOverdue(at: now)
        made += try await openApplications(store, now: now)
        return made
    }
}
