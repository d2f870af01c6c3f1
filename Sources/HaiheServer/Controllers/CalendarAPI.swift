import Crypto
import Foundation
import HaiheCore
import HaiheStore
import Hummingbird

/// The working-day calendar (工作日历) and certificate checks: public reads, the regulator's yearly schedule loads.
struct CalendarAPI: Sendable {
    let store: Store
    let `guard`: Guard
    let nodeKey: NodeKey
    let clock: any PlatformClock

    struct Overview: ResponseEncodable {
        var years: [CalendarStore.YearInfo]
        /// This year and next, when no schedule is loaded for them: deadlines there count weekends only.
        var missingYears: [Int]
        var warningZh: String?
        var warningEn: String?
    }

    struct Deadline: ResponseEncodable {
        var accepted: String
        var workingDays: Int
        var deadline: String
        var deadlineUtc: Date
        var unscheduledYears: [Int]
    }

    struct Loaded: ResponseEncodable {
        var years: [Int]
    }

    struct VerifyBody: Decodable {
        var certificate: String
        var sha256: String?
        var contentBase64: String?
    }

    struct PublicKey: ResponseEncodable {
        var algorithm: String
        var publicKey: String
        var jwk: [String: String]
    }

    func addRoutes(to router: Router<HaiheRequestContext>) {
        router.route(.get, "/api/v1/calendar", .calendarRead, guard: `guard`) { _, _ -> Overview in
            try await overview()
        }

        router.route(.get, "/api/v1/calendar/deadline", .calendarRead, guard: `guard`) { request, _ -> Deadline in
            let query = request.uri.queryParameters
            let accepted = try query["accepted"].map { text in
                guard let date = WorkingCalendar.parseInstant(String(text)) else {
                    throw HaiheError.invalid("calendar.accepted", zh: "accepted 应为日期或 ISO 8601 时间", en: "accepted must be a date or an ISO 8601 time")
                }
                return date
            } ?? clock.now()
            let days = try query["working_days"].map { text in
                guard let n = Int(text), (0...366).contains(n) else {
                    throw HaiheError.invalid("calendar.working_days", zh: "working_days 应为 0 到 366 的整数", en: "working_days must be an integer from 0 to 366")
                }
                return n
            } ?? SharingStore.answerWorkingDays
            return Self.deadline(accepted: accepted, workingDays: days, calendar: try await store.calendar.calendar())
        }

        router.route(.post, "/api/v1/calendar/schedules", .calendarManage, guard: `guard`) { request, context -> Loaded in
            let bytes = [UInt8](buffer: try await request.body.collect(upTo: 4 << 20))
            let schedules = try ScheduleFile.parse(bytes)
            try await store.calendar.load(schedules, audit: context.auditDraft(.calendarManage))
            return Loaded(years: schedules.map(\.year))
        }

        router.route(.get, "/api/v1/certificates/public-key", .certificateVerify, guard: `guard`) { _, _ -> PublicKey in
            let raw = nodeKey.privateKey.publicKey.rawRepresentation
            return PublicKey(algorithm: "Ed25519", publicKey: raw.hexString, jwk: ["kty": "OKP", "crv": "Ed25519", "x": Base64URL.encode(raw)])
        }

        // Anyone holding a certificate checks it here, with the content (or its SHA-256) if they have it.
        router.route(.post, "/api/v1/verify", .certificateVerify, guard: `guard`) { request, context -> Response in
            let body = try await decode(VerifyBody.self, request, context, keys: .convertFromSnakeCase)
            var hash = body.sha256
            if let content = body.contentBase64 {
                guard let data = Data(base64Encoded: content) else {
                    throw HaiheError.invalid("verify.content", zh: "content_base64 不是有效的 Base64", en: "content_base64 is not valid base64")
                }
                hash = SHA256.hash(data: data).hexString
            }
            let result = Certificate.verify(body.certificate, publicKey: nodeKey.privateKey.publicKey, contentSHA256: hash)
            try await store.audit.record(context.auditDraft("certificate.verify", objectType: "certificate", objectID: result.certificate?.deliveryID,
                                                            outcome: result.isValid ? .success : .failed, detail: ["outcome": result.outcome.rawValue]))
            return try jsonResponse(result, context: context)
        }
    }

    func overview() async throws -> Overview {
        let years = try await store.calendar.years()
        let thisYear = CivilDay(instant: clock.now()).year
        let missing = [thisYear, thisYear + 1].filter { year in !years.contains { $0.year == year } }
        return Overview(years: years, missingYears: missing,
                        warningZh: missing.isEmpty ? nil : "尚未载入 \(missing.map(String.init).joined(separator: "、")) 年的节假日安排，这些年份的期限暂按周末计算，请在国务院公布后载入",
                        warningEn: missing.isEmpty ? nil : "No holiday schedule is loaded for \(missing.map(String.init).joined(separator: ", ")); deadlines there count weekends only until it is loaded")
    }

    static func deadline(accepted: Date, workingDays: Int, calendar: WorkingCalendar) -> Deadline {
        let deadline = calendar.deadline(accepted: accepted, workingDays: workingDays)
        return Deadline(accepted: WorkingCalendar.beijingText(accepted), workingDays: workingDays, deadline: WorkingCalendar.beijingText(deadline),
                        deadlineUtc: deadline, unscheduledYears: calendar.unscheduledYears(from: CivilDay(instant: accepted), to: CivilDay(instant: deadline)))
    }
}
