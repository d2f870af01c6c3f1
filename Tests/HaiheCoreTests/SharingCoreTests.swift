import Crypto
import Foundation
@testable import HaiheCore
import Testing

@Suite("The working-day calendar")
struct WorkingCalendarTests {
    static let calendar = WorkingCalendar(schedules: ScheduleFile.shipped())

    /// The deadline for an acceptance at `accepted` (Beijing wall time) after `days` working days, as text.
    static func deadline(_ accepted: String, _ days: Int = 2) -> String {
        WorkingCalendar.beijingText(calendar.deadline(accepted: WorkingCalendar.parseInstant(accepted)!, workingDays: days))
    }

    @Test("the shipped file holds 2019 to 2026, and every make-up working day is a weekend day")
    func shipped() throws {
        let schedules = ScheduleFile.shipped()
        #expect(schedules.map(\.year) == Array(2019...2026))
        for schedule in schedules {
            try schedule.validate()
            #expect(schedule.days.contains { $0.kind == .holiday && $0.name == "春节" }, "\(schedule.year) has a Spring Festival")
            #expect(schedule.days.contains { $0.kind == .holiday && $0.name.contains("国庆") }, "\(schedule.year) has National Day")
        }
        // Spot checks against the State Council's notices.
        #expect(Self.calendar.isWorkingDay(CivilDay("2026-02-14")!))   // Saturday, worked before 春节
        #expect(Self.calendar.isWorkingDay(CivilDay("2026-02-28")!))
        #expect(!Self.calendar.isWorkingDay(CivilDay("2026-02-23")!))  // Monday, 春节 day off
        #expect(Self.calendar.isWorkingDay(CivilDay("2025-01-26")!))   // Sunday, worked
        #expect(!Self.calendar.isWorkingDay(CivilDay("2020-02-01")!))  // the make-up Saturday cancelled by the 2020 extension
        #expect(!Self.calendar.isWorkingDay(CivilDay("2020-01-31")!))
        #expect(Self.calendar.isWorkingDay(CivilDay("2019-10-12")!))   // Saturday, worked after 国庆
        #expect(!Self.calendar.isWorkingDay(CivilDay("2023-09-29")!))  // 中秋
        #expect(Self.calendar.isWorkingDay(CivilDay("2026-11-30")!))   // an ordinary Monday
        #expect(!Self.calendar.isWorkingDay(CivilDay("2026-11-29")!))  // an ordinary Sunday
    }

    @Test("the day of acceptance is not counted; the deadline is 23:59:59 Beijing time of the N-th working day")
    func ordinaryWeeks() {
        #expect(Self.deadline("2026-11-30T09:00:00+08:00") == "2026-12-02T23:59:59+08:00")   // Monday → Wednesday
        #expect(Self.deadline("2026-12-03T23:59:00+08:00") == "2026-12-07T23:59:59+08:00")   // Thursday → Monday
        #expect(Self.deadline("2026-12-05T10:00:00+08:00") == "2026-12-08T23:59:59+08:00")   // accepted on a Saturday
        // 23:30 UTC on Sunday is 07:30 Monday in Beijing: accepted Monday.
        #expect(Self.deadline("2026-11-29T23:30:00Z") == "2026-12-02T23:59:59+08:00")
        #expect(Self.deadline("2026-11-30T09:00:00+08:00", 0) == "2026-11-30T23:59:59+08:00")
    }

    @Test("Spring Festival, with its make-up Saturdays and Sundays")
    func springFestival() {
        // 2026: 2-15 to 2-23 off; Saturdays 2-14 and 2-28 worked.
        #expect(Self.deadline("2026-02-13T18:00:00+08:00") == "2026-02-24T23:59:59+08:00")   // Sat 2-14 counts, then 2-24
        #expect(Self.deadline("2026-02-12T10:00:00+08:00") == "2026-02-14T23:59:59+08:00")   // Fri 2-13, Sat 2-14
        #expect(Self.deadline("2026-02-26T10:00:00+08:00") == "2026-02-28T23:59:59+08:00")   // Fri 2-27, Sat 2-28
        // 2025: 1-28 to 2-4 off; Sunday 1-26 and Saturday 2-8 worked.
        #expect(Self.deadline("2025-01-24T10:00:00+08:00") == "2025-01-27T23:59:59+08:00")
        #expect(Self.deadline("2025-01-27T10:00:00+08:00") == "2025-02-06T23:59:59+08:00")
        #expect(Self.deadline("2025-02-06T10:00:00+08:00") == "2025-02-08T23:59:59+08:00")
        // 2024: 2-10 to 2-17 off; Sundays 2-4 and 2-18 worked.
        #expect(Self.deadline("2024-02-08T10:00:00+08:00") == "2024-02-18T23:59:59+08:00")
        // 2020, extended: nothing from 1-24 to 2-2.
        #expect(Self.deadline("2020-01-23T10:00:00+08:00") == "2020-02-04T23:59:59+08:00")
    }

    @Test("National Day, with make-up days on both sides")
    func nationalDay() {
        #expect(Self.deadline("2026-09-30T10:00:00+08:00") == "2026-10-09T23:59:59+08:00")
        #expect(Self.deadline("2026-09-18T10:00:00+08:00") == "2026-09-21T23:59:59+08:00")   // Sunday 9-20 worked
        #expect(Self.deadline("2025-09-26T10:00:00+08:00") == "2025-09-29T23:59:59+08:00")   // Sunday 9-28 worked
        #expect(Self.deadline("2025-09-30T10:00:00+08:00") == "2025-10-10T23:59:59+08:00")   // 10-1 to 10-8 off
        #expect(Self.deadline("2023-09-28T10:00:00+08:00") == "2023-10-08T23:59:59+08:00")   // Sat 10-7, Sun 10-8 worked
        #expect(Self.deadline("2019-10-11T10:00:00+08:00") == "2019-10-14T23:59:59+08:00")   // Sat 10-12 worked
    }

    @Test("year ends: New Year's Day, and a year with no schedule counting weekends only")
    func yearEnds() {
        #expect(Self.deadline("2022-12-30T10:00:00+08:00") == "2023-01-04T23:59:59+08:00")   // 12-31 to 1-2 off
        #expect(Self.deadline("2025-12-31T10:00:00+08:00") == "2026-01-05T23:59:59+08:00")   // 1-1..1-3 off, Sun 1-4 worked
        #expect(Self.deadline("2020-12-31T10:00:00+08:00") == "2021-01-05T23:59:59+08:00")
        #expect(Self.deadline("2018-12-28T10:00:00+08:00") == "2019-01-02T23:59:59+08:00")   // Sat 12-29 worked, 12-30..1-1 off
        // 2027's schedule is not shipped: the fallback counts weekends only, and says so.
        let accepted = WorkingCalendar.parseInstant("2026-12-31T10:00:00+08:00")!
        let deadline = Self.calendar.deadline(accepted: accepted, workingDays: 2)
        #expect(WorkingCalendar.beijingText(deadline) == "2027-01-04T23:59:59+08:00")
        #expect(Self.calendar.unscheduledYears(from: CivilDay(instant: accepted), to: CivilDay(instant: deadline)) == [2027])
    }

    @Test("working days left counts down to 0 on the last day and below after it")
    func daysLeft() {
        let deadline = Self.calendar.deadline(accepted: WorkingCalendar.parseInstant("2026-09-30T10:00:00+08:00")!, workingDays: 2)
        #expect(Self.calendar.workingDaysLeft(at: WorkingCalendar.parseInstant("2026-09-30T12:00:00+08:00")!, until: deadline) == 2)
        #expect(Self.calendar.workingDaysLeft(at: WorkingCalendar.parseInstant("2026-10-05T12:00:00+08:00")!, until: deadline) == 2)
        #expect(Self.calendar.workingDaysLeft(at: WorkingCalendar.parseInstant("2026-10-09T23:00:00+08:00")!, until: deadline) == 0)
        #expect(Self.calendar.workingDaysLeft(at: WorkingCalendar.parseInstant("2026-10-10T09:00:00+08:00")!, until: deadline) == -1)
        // Saturday 10-10 was worked, so by Tuesday 10-13 three working days have passed.
        #expect(Self.calendar.workingDaysLeft(at: WorkingCalendar.parseInstant("2026-10-13T09:00:00+08:00")!, until: deadline) == -3)
    }

    @Test("civil days agree with Foundation's Gregorian calendar in Asia/Shanghai")
    func civilDays() throws {
        var gregorian = Foundation.Calendar(identifier: .gregorian)
        gregorian.timeZone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        var generator = SeededGenerator(state: 2026)
        for _ in 0..<2000 {
            // From 1992: China kept summer time until 1991, and deadlines are never counted before the platform existed.
            let instant = Date(timeIntervalSince1970: Double.random(in: 694_224_000...4_102_444_800, using: &generator))
            let parts = gregorian.dateComponents([.year, .month, .day, .weekday], from: instant)
            let day = CivilDay(instant: instant)
            #expect(day.components == (parts.year!, parts.month!, parts.day!))
            #expect(day.weekday == (parts.weekday! + 5) % 7 + 1)
            #expect(CivilDay(day.description) == day)
        }
    }

    @Test("a schedule is read from JSON or CSV, and refused whole when a day is impossible")
    func loadingSchedules() throws {
        let csv = "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,上班,春节调休\n2027-02-10,放假,春节\n"
        let parsed = try ScheduleFile.parse(Array(csv.utf8))
        #expect(parsed.count == 1 && parsed[0].year == 2027 && parsed[0].days.count == 3)
        var calendar = Self.calendar
        calendar.add(parsed[0])
        #expect(calendar.scheduledYears.contains(2027))
        #expect(!calendar.isWorkingDay(CivilDay("2027-01-01")!) && calendar.isWorkingDay(CivilDay("2027-02-06")!))

        let json = #"{"year": 2027, "source": "test", "holidays": [{"name": "春节", "off": ["2027-02-05/2027-02-11"], "work": ["2027-02-13"]}]}"#
        #expect(try ScheduleFile.parse(Array(json.utf8))[0].days.count == 8)

        func refused(_ text: String, _ code: String) {
            #expect(throws: HaiheError.self) { try ScheduleFile.parse(Array(text.utf8)) }
            do { _ = try ScheduleFile.parse(Array(text.utf8)) } catch let error as HaiheError {
                #expect(error.code == code, "\(text) → \(error.code)")
                #expect(!error.messageZH.isEmpty && !error.messageEN.isEmpty)
            } catch {}
        }
        refused("date,kind,name\n2027-02-30,holiday,x\n", "calendar.date")
        refused("date,kind,name\n2027-02-03,workday,周三上班\n", "calendar.workday_weekday")
        refused("date,kind,name\n2027-02-06,workday,a\n2027-02-06,holiday,b\n", "calendar.conflict")
        refused("date,kind,name\n2027-02-06,maybe,a\n", "calendar.kind")
        refused("when,what\n2027-01-01,holiday\n", "calendar.csv_header")
        refused("{\"year\": 2027, \"days\": [{\"date\": \"2031-01-01\", \"kind\": \"holiday\"}]}", "calendar.date_year")
        refused("{not json", "calendar.json")
        refused("", "calendar.csv_header")
    }
}

@Suite("Share requests, grants and the sharing policy")
struct SharingPolicyTests {
    static func entry(_ type: ShareType) -> CatalogEntry {
        CatalogEntry(resourceCode: "201005-00001", title: "企业登记", summary: "s", providerID: "provider", domain: .enterpriseRegistration,
                     fields: [FieldDefinition(name: "credit_code", labelZH: "统一社会信用代码", type: .text),
                              FieldDefinition(name: "company_name", labelZH: "企业名称", type: .text),
                              FieldDefinition(name: "legal_person", labelZH: "法定代表人", type: .text)],
                     updateFrequency: .daily, shareType: type, openType: .notOpen)
    }

    @Test("unconditional: every department; conditional: only a live grant's fields; not shared: the provider only")
    func access() throws {
        let now = Date()
        let conditional = Self.entry(.conditional)
        #expect(try SharingPolicy.access(to: Self.entry(.unconditional), for: "other", grants: [], at: now).fields.count == 3)
        #expect(try SharingPolicy.access(to: conditional, for: "provider", grants: [], at: now).basis == .own)
        #expect(throws: HaiheError.self) { try SharingPolicy.access(to: conditional, for: "other", grants: [], at: now) }
        #expect(throws: HaiheError.self) { try SharingPolicy.access(to: Self.entry(.notShared), for: "other", grants: [], at: now) }

        var grant = ShareGrant(requestID: nil, entryID: conditional.entryID, consumerID: "other", providerID: "provider", fields: ["company_name"],
                               purpose: "p", startsAt: now.addingTimeInterval(-10), endsAt: now.addingTimeInterval(100), createdAt: now)
        let access = try SharingPolicy.access(to: conditional, for: "other", grants: [grant], at: now)
        #expect(access.basis == .grant && access.fields == ["company_name"])
        try SharingPolicy.check(fieldsUsed: ["company_name"], within: access)
        // Filtering or sorting on a field outside the grant is refused like selecting it.
        #expect(throws: HaiheError.self) { try SharingPolicy.check(fieldsUsed: ["company_name", "legal_person"], within: access) }
        // Another organisation's grant, an expired one, a revoked one: nothing.
        #expect(throws: HaiheError.self) { try SharingPolicy.access(to: conditional, for: "third", grants: [grant], at: now) }
        #expect(throws: HaiheError.self) { try SharingPolicy.access(to: conditional, for: "other", grants: [grant], at: now.addingTimeInterval(101)) }
        grant.revokedAt = now
        #expect(throws: HaiheError.self) { try SharingPolicy.access(to: conditional, for: "other", grants: [grant], at: now) }

        // Two live grants for different purposes are never pooled: a query is served under one grant that covers it.
        let names = ShareGrant(requestID: nil, entryID: conditional.entryID, consumerID: "other", providerID: "provider", fields: ["company_name"],
                               purpose: "名称核验", startsAt: now.addingTimeInterval(-10), endsAt: now.addingTimeInterval(100), createdAt: now)
        let people = ShareGrant(requestID: nil, entryID: conditional.entryID, consumerID: "other", providerID: "provider", fields: ["legal_person"],
                                purpose: "法人核查", startsAt: now.addingTimeInterval(-10), endsAt: now.addingTimeInterval(200), createdAt: now)
        #expect(try SharingPolicy.access(to: conditional, for: "other", grants: [names, people], at: now, fieldsUsed: ["company_name"]).grant?.purpose == "名称核验")
        #expect(try SharingPolicy.access(to: conditional, for: "other", grants: [names, people], at: now, fieldsUsed: ["legal_person"]).grant?.purpose == "法人核查")
        #expect(throws: HaiheError.self) {
            try SharingPolicy.access(to: conditional, for: "other", grants: [names, people], at: now, fieldsUsed: ["company_name", "legal_person"])
        }
    }

    @Test("an incomplete application is not accepted, and says what is missing")
    func completeness() throws {
        let now = Date()
        let entry = Self.entry(.conditional)
        var application = ShareApplication(fields: ["company_name"], purpose: "核验", duty: "市场监管", legalBasis: "《条例》第十七条",
                                           periodStart: now, periodEnd: now.addingTimeInterval(86_400 * 30))
        try application.validate(against: entry, at: now)
        application.duty = " "
        application.legalBasis = ""
        do { try application.validate(against: entry, at: now); Issue.record("accepted") } catch let error as HaiheError {
            #expect(error.code == "sharing.incomplete" && error.messageZH.contains("所履行的职责") && error.messageEN.contains("legal basis"))
        }
        application.duty = "d"
        application.legalBasis = "b"
        application.fields = ["no_such_field"]
        #expect(throws: HaiheError.self) { try application.validate(against: entry, at: now) }
        application.fields = []
        application.periodEnd = now.addingTimeInterval(-1)
        #expect(throws: HaiheError.self) { try application.validate(against: entry, at: now) }
    }
}

@Suite("Delivery fingerprints and certificates")
struct DeliveryEvidenceTests {
    /// A CSV as a download writes it: header, marked rows, signed trailer.
    static func delivered(_ fingerprint: DeliveryFingerprint, id: String, rows: Int) throws -> [UInt8] {
        var bits = fingerprint.bits(for: id)
        var text = "credit_code,company_name,capital\n"
        for row in 0..<rows {
            text += DeliveryFingerprint.markedLine(["91120000MA0\(row)", row % 7 == 0 ? "天津,有限公司" : "天津第\(row)号公司", "\(row).5"], row: row, bits: &bits) + "\n"
        }
        let body = Array(text.utf8)
        return body + Array(try fingerprint.trailer(deliveryID: id, bodySHA256: SHA256.hash(data: body).hexString).utf8)
    }

    @Test("the trailer names the delivery and notices a changed byte; the marker survives losing the trailer")
    func fingerprints() throws {
        let key = NodeKey.generate()
        let fingerprint = DeliveryFingerprint(nodeKey: key)
        let file = try Self.delivered(fingerprint, id: "delivery-a", rows: 200)
        let evidence = fingerprint.examine(file)
        #expect(evidence.trailerDeliveryID == "delivery-a" && evidence.trailerIntact)

        var changed = file
        changed[40] ^= 0x01
        #expect(fingerprint.examine(changed).trailerIntact == false)

        // Without the trailer, cut short: the marker still points at delivery a, and not at b.
        let text = String(decoding: file, as: UTF8.self)
        let withoutTrailer = text.split(separator: "\n").dropLast().prefix(120).joined(separator: "\n") + "\n"
        let stripped = fingerprint.examine(Array(withoutTrailer.utf8))
        #expect(stripped.trailerDeliveryID == nil)
        let a = fingerprint.agreement(stripped, deliveryID: "delivery-a")
        let b = fingerprint.agreement(stripped, deliveryID: "delivery-b")
        #expect(DeliveryFingerprint.isMatch(agree: a.agree, observed: a.observed))
        #expect(!DeliveryFingerprint.isMatch(agree: b.agree, observed: b.observed))
        // Every recipient reads the same values: the marker only quotes values that need no quotes.
        let other = try Self.delivered(fingerprint, id: "delivery-b", rows: 200)
        #expect(other != file)
        #expect(Self.values(other) == Self.values(file))
        // Another node's key sees no marker of ours.
        let foreign = DeliveryFingerprint(nodeKey: NodeKey.generate())
        let f = foreign.agreement(stripped, deliveryID: "delivery-a")
        #expect(!DeliveryFingerprint.isMatch(agree: f.agree, observed: f.observed))
        #expect(foreign.examine(file).trailerIntact == false)
    }

    static func values(_ file: [UInt8]) -> [[String]] {
        let text = String(decoding: file, as: UTF8.self).split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "\n")
        return (try? CSVParser.records(of: Array(text.utf8))) ?? []
    }

    @Test("quoting is decided on bytes: CR LF, a comma or quote before a combining mark; a lone empty value stays a row")
    func quoting() throws {
        for value in ["x\r\n伪造,行", ",\u{301}", "\"\u{301}", "a\rb"] {
            #expect(CSVField.needsQuotes(value), "\(value.unicodeScalars.map { $0.value })")
            let line = CSVField.line(["1", value]) + "\n"
            #expect(try CSVParser.records(of: Array(line.utf8)) == [["1", value]])
            var bits = DeliveryFingerprint(nodeKey: NodeKey.generate()).bits(for: "d")
            #expect(try CSVParser.records(of: Array((DeliveryFingerprint.markedLine(["1", value], row: 0, bits: &bits) + "\n").utf8)) == [["1", value]])
        }
        let single = "phone\n" + ["1", "", "3"].map { CSVField.line([$0]) }.joined(separator: "\n") + "\n"
        #expect(try CSVParser.records(of: Array(single.utf8)).count == 4)
        var bits = DeliveryFingerprint(nodeKey: NodeKey.generate()).bits(for: "d")
        #expect(DeliveryFingerprint.markedLine([""], row: 0, bits: &bits) == "\"\"")
    }

    @Test("a certificate verifies; a changed certificate, a changed file or another node's key do not")
    func certificates() throws {
        let key = NodeKey.generate()
        let content = Array("credit_code\n911200001\n".utf8)
        let certificate = Certificate(issuer: key.publicKeyHex, deliveryID: "d1", entryID: "e1", resourceCode: "201005-00001", entryTitle: "企业登记",
                                      versionID: "v1", version: 3, contentSHA256: SHA256.hash(data: content).hexString, rowCount: 1,
                                      recipientOrganizationID: "org", recipientOrganizationName: "天津市公安局", purpose: "核验", issuedAt: Date(timeIntervalSince1970: 1_790_000_000))
        let token = try certificate.signed(with: key)
        #expect(token.split(separator: ".").count == 3)
        let valid = Certificate.verify(token, publicKey: key.privateKey.publicKey, contentSHA256: SHA256.hash(data: content).hexString)
        #expect(valid.outcome == .valid && valid.certificate == certificate)
        #expect(Certificate.verify(token, publicKey: key.privateKey.publicKey).outcome == .valid)

        var changedContent = content
        changedContent[0] = UInt8(ascii: "C")
        #expect(Certificate.verify(token, publicKey: key.privateKey.publicKey, contentSHA256: SHA256.hash(data: changedContent).hexString).outcome == .contentMismatch)

        // Change one character of the payload (the recipient's row count, say): the signature no longer holds.
        let parts = token.split(separator: ".").map(String.init)
        var payload = String(decoding: Base64URL.decode(parts[1])!, as: UTF8.self)
        payload = payload.replacingOccurrences(of: "\"rows\":1", with: "\"rows\":9")
        let forged = [parts[0], Base64URL.encode(Data(payload.utf8)), parts[2]].joined(separator: ".")
        #expect(Certificate.verify(forged, publicKey: key.privateKey.publicKey).outcome == .badSignature)
        #expect(Certificate.verify(token, publicKey: NodeKey.generate().privateKey.publicKey).outcome == .badSignature)
        #expect(Certificate.verify("not a certificate", publicKey: key.privateKey.publicKey).outcome == .malformed)
    }
}

@Suite("Dataset queries from URL parameters")
struct DatasetQueryTests {
    static let fields = [FieldDefinition(name: "name", labelZH: "名称", type: .text), FieldDefinition(name: "capital", labelZH: "注册资本", type: .decimal)]

    @Test("filters, select, sort, limit and offset are read; unknown fields and operators are refused by name")
    func parsing() throws {
        let query = try DatasetQuery(parameters: [("name__prefix", "天津"), ("capital__gte", "100"), ("capital__in", "1,2"), ("select", "name"),
                                                  ("sort", "-capital,name"), ("limit", "5"), ("offset", "10")], fields: Self.fields)
        #expect(query.filters.map(\.op) == [.prefix, .greaterOrEqual, .oneOf])
        #expect(query.filters[2].values == ["1", "2"])
        #expect(query.select == ["name"] && query.sort == [.init(field: "capital", descending: true), .init(field: "name", descending: false)])
        #expect(query.limit == 5 && query.offset == 10)
        #expect(Set(query.fieldsUsed) == ["name", "capital"])
        let many = (0..<30).map { ("name__ne", "x\($0)") }
        for bad in [[("secret", "1")], [("name__like", "x")], [("capital", "abc")], [("limit", "0")], [("limit", "100000")], [("sort", "nope")],
                    [("select", "")], many, [("capital__in", String(repeating: ",", count: 99)), ("capital__in", String(repeating: ",", count: 99)), ("capital__in", "1,2,3")]] {
            #expect(throws: HaiheError.self) { try DatasetQuery(parameters: bad, fields: Self.fields) }
        }
    }
}
