import Foundation

/// A day of the civil calendar in Beijing time, counted as days since 1970-01-01: deadlines are counted in whole
/// days, so they are computed on day numbers rather than through time zones.
public struct CivilDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let number: Int

    public init(number: Int) { self.number = number }

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year) else { return nil }
        // days_from_civil (Howard Hinnant), proleptic Gregorian.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        number = era * 146_097 + doe - 719_468
    }

    /// `YYYY-MM-DD`.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The Beijing-time day an instant falls on. China has kept UTC+8 all year since 1991.
    public init(instant: Date) {
        let seconds = Int((instant.timeIntervalSince1970 + Double(Self.beijingOffset)).rounded(.down))
        number = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    }

    public static let beijingOffset = 8 * 3600

    public var components: (year: Int, month: Int, day: Int) {
        // civil_from_days (Howard Hinnant).
        let z = number + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    public var year: Int { components.year }

    /// 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday).
    public var weekday: Int { ((number % 7 + 7) % 7 + 3) % 7 + 1 }

    public var isWeekend: Bool { weekday >= 6 }

    public func adding(days: Int) -> CivilDay { CivilDay(number: number + days) }

    /// The last instant of this day in Beijing (23:59:59.999, the finest the platform stores), so that an answer
    /// at any moment of the day counts as on time.
    public var endOfDay: Date {
        Date(timeIntervalSince1970: Double((number + 1) * 86_400 - Self.beijingOffset) - 0.001)
    }

    public var description: String {
        let (y, m, d) = components
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    public static func < (a: CivilDay, b: CivilDay) -> Bool { a.number < b.number }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// One year's holiday arrangement as the State Council publishes it: days off and the weekend days worked instead (调休).
public struct HolidaySchedule: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case holiday    // 放假
        case workday    // 调休上班
    }

    public struct Day: Sendable, Equatable, Codable {
        public var date: String
        public var kind: Kind
        public var name: String

        public init(date: String, kind: Kind, name: String) {
            self.date = date
            self.kind = kind
            self.name = name
        }
    }

    public var year: Int
    public var source: String
    public var days: [Day]

    public init(year: Int, source: String, days: [Day]) {
        self.year = year
        self.source = source
        self.days = days
    }

    /// Refuses a schedule that cannot be right, so that a typing mistake never moves a legal deadline:
    /// unknown dates, a day both off and worked, a make-up working day that is not a weekend day, dates far from the year.
    public func validate() throws {
        guard (2000...2100).contains(year) else {
            throw HaiheError.invalid("calendar.year", zh: "年份 \(year) 不在 2000–2100 之间", en: "The year \(year) is not between 2000 and 2100")
        }
        guard !days.isEmpty else {
            throw HaiheError.invalid("calendar.empty", zh: "\(year) 年的安排没有任何日期", en: "The \(year) schedule lists no days")
        }
        var seen: [CivilDay: Kind] = [:]
        for day in days {
            guard let civil = CivilDay(day.date) else {
                throw HaiheError.invalid("calendar.date", zh: "日期“\(day.date)”无效（应为 YYYY-MM-DD）", en: "Invalid date '\(day.date)' (use YYYY-MM-DD)")
            }
            // A year's notice may reach into the last days of the year before (元旦 2019 began on 2018-12-29).
            guard abs(civil.year - year) <= 1 else {
                throw HaiheError.invalid("calendar.date_year", zh: "日期 \(day.date) 不属于 \(year) 年的安排", en: "The date \(day.date) does not belong to the \(year) schedule")
            }
            if let previous = seen[civil], previous != day.kind {
                throw HaiheError.invalid("calendar.conflict", zh: "\(day.date) 既是放假日又是调休工作日", en: "\(day.date) is listed both as a holiday and as a working day")
            }
            if day.kind == .workday && !civil.isWeekend {
                throw HaiheError.invalid("calendar.workday_weekday", zh: "调休工作日 \(day.date) 不是周六或周日", en: "The make-up working day \(day.date) is not a Saturday or Sunday")
            }
            seen[civil] = day.kind
        }
    }
}

/// 工作日历: weekends, statutory holidays and make-up working days. Every deadline in the platform is counted here.
public struct WorkingCalendar: Sendable, Equatable {
    public private(set) var holidays: [CivilDay: String] = [:]
    public private(set) var workdays: [CivilDay: String] = [:]
    /// Years whose official schedule is loaded; other years count weekends only.
    public private(set) var scheduledYears: Set<Int> = []

    public init(schedules: [HolidaySchedule] = []) {
        for schedule in schedules.sorted(by: { $0.year < $1.year }) { add(schedule) }
    }

    /// Adds (or replaces) a year's schedule.
    public mutating func add(_ schedule: HolidaySchedule) {
        scheduledYears.insert(schedule.year)
        for day in schedule.days {
            guard let civil = CivilDay(day.date) else { continue }
            switch day.kind {
            case .holiday:
                holidays[civil] = day.name
                workdays[civil] = nil
            case .workday:
                workdays[civil] = day.name
                holidays[civil] = nil
            }
        }
    }

    public func isWorkingDay(_ day: CivilDay) -> Bool {
        if workdays[day] != nil { return true }
        if holidays[day] != nil { return false }
        return !day.isWeekend
    }

    /// The N-th working day after `day` (the day itself not counted).
    public func workingDay(_ n: Int, after day: CivilDay) -> CivilDay {
        var current = day
        var counted = 0
        while counted < max(n, 0) {
            current = current.adding(days: 1)
            if isWorkingDay(current) { counted += 1 }
        }
        return current
    }

    /// As Chinese law counts a period in days (自受理申请之日起): the day of acceptance is not counted, and the
    /// period ends at 23:59:59 Beijing time on the N-th working day after it.
    public func deadline(accepted: Date, workingDays n: Int) -> Date {
        workingDay(n, after: CivilDay(instant: accepted)).endOfDay
    }

    /// Working days from `now`'s day until the deadline's day (0 on the last day, negative once passed).
    public func workingDaysLeft(at now: Date, until deadline: Date) -> Int {
        let today = CivilDay(instant: now)
        let last = CivilDay(instant: deadline)
        if now > deadline {
            var count = 0
            var day = last
            while day < today { day = day.adding(days: 1); if isWorkingDay(day) { count -= 1 } }
            return min(count, -1)
        }
        var count = 0
        var day = today
        while day < last { day = day.adding(days: 1); if isWorkingDay(day) { count += 1 } }
        return count
    }

    /// Whether the period counted from `accepted` reaches into a year with no official schedule, so the deadline
    /// shown counts weekends only there and may move when the year's schedule is loaded.
    public func unscheduledYears(from start: CivilDay, to end: CivilDay) -> [Int] {
        (start.year...end.year).filter { !scheduledYears.contains($0) }
    }

    /// ISO 8601 with Beijing's offset, as `haihe calendar deadline` prints it: `2026-10-09T23:59:59+08:00`.
    public static func beijingText(_ instant: Date) -> String {
        let seconds = Int((instant.timeIntervalSince1970 + Double(CivilDay.beijingOffset)).rounded(.down))
        let day = CivilDay(number: seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let inDay = seconds - day.number * 86_400
        return String(format: "%@T%02d:%02d:%02d+08:00", day.description, inDay / 3600, inDay % 3600 / 60, inDay % 60)
    }

    /// Reads a date-time as a person types it: ISO 8601 with an offset, or without one meaning Beijing time,
    /// or a bare date meaning that day in Beijing.
    public static func parseInstant(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let day = CivilDay(trimmed) {
            return Date(timeIntervalSince1970: Double(day.number * 86_400 - CivilDay.beijingOffset) + 9 * 3600)
        }
        var local = trimmed.replacingOccurrences(of: " ", with: "T")
        // Minutes without seconds, as people (and <input type=datetime-local>) write them.
        if local.count == 16 || (local.count > 16 && !local[local.index(local.startIndex, offsetBy: 16)].isNumber && local[local.index(local.startIndex, offsetBy: 16)] != ":") {
            local.insert(contentsOf: ":00", at: local.index(local.startIndex, offsetBy: 16))
        }
        if let date = Timestamp.parse(local) { return date }
        return Timestamp.parse(local + "+08:00")
    }
}
