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

    /// 互动反馈 and 成果展示 as a living portal has them: comments with ratings, error reports and data requests, some
    /// answered and some waiting (one past its deadline), and uses of open data, shown and waiting for review.
    static func interaction(_ store: Store, now: Date) async throws -> Int {
        var users: [String: User] = [:]
        for name in ["citizen", "power.contributor", "regulator", "scjg.provider", "jtys.provider", "sthj.provider", "qxj.provider"] {
            users[name] = try await store.users.credentials(username: name)?.user
        }
        guard let citizen = users["citizen"], let company = users["power.contributor"] else { return 0 }
        func draft(_ action: Action, _ user: User?) -> AuditDraft {
            AuditDraft(actor: user.map { Subject(userID: $0.id, username: $0.username, organizationID: $0.organizationID, roles: $0.roles) },
                       action: action.rawValue, objectType: action.objectType, detail: ["via": "demo"])
        }
        func entry(_ code: String) async throws -> CatalogEntry? { try await store.catalog.findPublished(code, in: .open) }
        let day: TimeInterval = 86_400
        var made = 0
        struct Item {
            var author: User
            var dataset: String?
            var kind: Feedback.Kind
            var title = ""
            var text: String
            var field: String?
            var rating: Int?
            var daysAgo: Double
            /// For a data request: the department asked (its provider's username), or nil for the regulator's desk.
            var to: String?
            var answer: (by: String, resolution: Feedback.Resolution, text: String)?
        }
        let items: [Item] = [
            Item(author: citizen, dataset: "201005-00001", kind: .comment, text: "数据更新及时，字段说明清楚，用来核对合作企业很方便。", rating: 5, daysAgo: 12,
                 answer: ("scjg.provider", .replied, "感谢使用，我们每日更新，欢迎继续反馈。")),
            Item(author: company, dataset: "201005-00001", kind: .comment, text: "希望增加经营范围字段。", rating: 4, daysAgo: 9),
            Item(author: citizen, dataset: "201005-00001", kind: .errorReport, text: "部分企业的所属区与注册地址不一致。", field: "district", daysAgo: 8,
                 answer: ("scjg.provider", .corrected, "经核实为迁址后未同步，已于下一版本更正。")),
            Item(author: company, dataset: "301004-00001", kind: .comment, text: "站点坐标很准，做了一个换乘查询小程序。", rating: 5, daysAgo: 20),
            Item(author: citizen, dataset: "301004-00001", kind: .errorReport, text: "有一条线路的末班时间写成了 25:30。", daysAgo: 3),
            Item(author: citizen, dataset: "701009-00001", kind: .comment, text: "希望提供更长时间的历史数据。", rating: 3, daysAgo: 15,
                 answer: ("sthj.provider", .replied, "历史数据已作为往期版本提供，可在“更新历史”中查看。")),
            Item(author: company, dataset: "801010-00001", kind: .errorReport, text: "某站点某小时气温为 -99，应为缺测。", field: "temperature", daysAgo: 10,
                 answer: ("qxj.provider", .notAnError, "-99 为规范规定的缺测标记，已在字段说明中注明。")),
            Item(author: citizen, kind: .dataRequest, title: "全市电动汽车充电桩位置", text: "用于开发充电导航应用，希望包含位置、功率和是否空闲。", daysAgo: 14,
                 answer: ("regulator", .willOpen, "已协调相关部门，计划下季度纳入开放目录。")),
            Item(author: company, kind: .dataRequest, title: "历年企业注销原因统计", text: "研究营商环境，需要按行业、区统计的注销原因。", daysAgo: 11, to: "scjg.provider",
                 answer: ("scjg.provider", .cannotOpen, "注销原因涉及企业商业秘密，依据《条例》第二十一条暂不开放，可提供按行业汇总的注销数量。")),
            // Past its five working days: shown as overdue in the department's inbox and on the portal.
            Item(author: citizen, kind: .dataRequest, title: "公交车辆实时位置", text: "做到站提醒，希望提供实时接口。", daysAgo: 16, to: "jtys.provider"),
            Item(author: company, kind: .dataRequest, title: "学校学位供给情况", text: "希望按学区公开学位数和报名人数。", daysAgo: 2),
        ]
        for item in items {
            var dataset: CatalogEntry?
            if let code = item.dataset {
                guard let found = try await entry(code) else { continue }
                dataset = found
            }
            let sent = now.addingTimeInterval(-item.daysAgo * day)
            let feedback = try await store.feedback.submit(kind: item.kind, entry: dataset, providerID: item.to.flatMap { users[$0]?.organizationID },
                                                           author: item.author, title: item.title, body: item.text, field: item.field, rating: item.rating,
                                                           audit: draft(.feedbackSubmit, item.author), at: sent)
            made += 1
            if let answer = item.answer, let user = users[answer.by] {
                _ = try await store.feedback.answer(feedback.id, resolution: answer.resolution, text: answer.text, by: user.id, organizationID: user.organizationID,
                                                    audit: draft(.feedbackAnswer, user), at: sent.addingTimeInterval(2 * day))
            }
        }
        let uses: [(User, UseCase.Kind, String, String, String, String, [String], Bool?)] = [
            (company, .app, "津门企业通", "查询企业登记、年报和经营异常信息的小程序，日活约两千人。", "https://example.org/jinmen-qiye", "天津某信息科技有限公司",
             ["201005-00001", "201005-00002", "201005-00003"], true),
            (citizen, .visualisation, "天津空气质量地图", "按站点和小时展示空气质量指数的变化。", "https://example.org/tj-air", "个人开发者", ["701009-00001"], true),
            (citizen, .app, "公交换乘助手", "基于线路和站点数据的换乘规划。", "https://example.org/bus", "高校学生团队", ["301004-00001"], nil),
        ]
        for (submitter, kind, title, description, url, byline, codes, publish) in uses {
            var datasets: [CatalogEntry] = []
            for code in codes { if let found = try await entry(code) { datasets.append(found) } }
            guard !datasets.isEmpty else { continue }
            let useCase = try await store.showcase.submit(kind: kind, title: title, description: description, url: url, byline: byline, datasets: datasets,
                                                          submitter: submitter, audit: draft(.showcaseSubmit, submitter), at: now.addingTimeInterval(-7 * day))
            if let publish, let regulator = users["regulator"] {
                _ = try await store.showcase.review(useCase.id, publish: publish, note: nil, by: regulator.id, audit: draft(.showcaseReview, regulator),
                                                    at: now.addingTimeInterval(-6 * day))
            }
            made += 1
        }
        return made
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
        made += try await interaction(store, now: now)
        return made
    }
}
