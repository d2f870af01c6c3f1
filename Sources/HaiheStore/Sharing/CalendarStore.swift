import Foundation
import HaiheCore
import Synchronization

/// The working-day calendar in the database: the shipped schedules (2019 onwards) and any year the regulator loads.
/// Read often (every deadline), changed once a year: kept in memory and re-read when the years table changes,
/// so every instance on one database counts the same deadlines.
public final class CalendarStore: Sendable {
    let database: any SQLDatabase
    private let cache = Mutex<(stamp: String, calendar: WorkingCalendar)?>(nil)

    init(database: any SQLDatabase) {
        self.database = database
    }

    /// The statements that store the shipped schedules (migration 9). Values come from the bundled, validated file.
    static func shippedScheduleStatements() -> [String] {
        func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
        let now = literal(Timestamp.format(Date()))
        return ScheduleFile.shipped().flatMap { schedule -> [String] in
            ["INSERT INTO calendar_years (year, source, loaded_at, loaded_by) VALUES (\(schedule.year), \(literal(schedule.source)), \(now), 'shipped')"]
                + schedule.days.map { day in
                    "INSERT INTO calendar_days (year, day, kind, name) VALUES (\(schedule.year), \(literal(day.date)), \(literal(day.kind.rawValue)), \(literal(day.name)))"
                }
        }
    }

    public func calendar() async throws -> WorkingCalendar {
        let stamp = try await database.read { session in
            let row = try await session.first("SELECT COUNT(*) AS n, MAX(loaded_at) AS latest FROM calendar_years")
            return "\(try row?.int("n") ?? 0)|\(row?.optionalString("latest") ?? "")"
        }
        if let cached = cache.withLock({ $0 }), cached.stamp == stamp { return cached.calendar }
        let schedules = try await self.schedules()
        let calendar = WorkingCalendar(schedules: schedules)
        cache.withLock { $0 = (stamp, calendar) }
        return calendar
    }

    public struct YearInfo: Sendable, Encodable {
        public var year: Int
        public var source: String
        public var loadedAt: Date
        public var loadedBy: String?
        public var holidays: Int
        public var workdays: Int
    }

    public func years() async throws -> [YearInfo] {
        try await database.read { session in
            try await session.query("""
                SELECT y.year, y.source, y.loaded_at, y.loaded_by,
                       SUM(CASE WHEN d.kind = 'holiday' THEN 1 ELSE 0 END) AS holidays,
                       SUM(CASE WHEN d.kind = 'workday' THEN 1 ELSE 0 END) AS workdays
                FROM calendar_years y LEFT JOIN calendar_days d ON d.year = y.year
                GROUP BY y.year, y.source, y.loaded_at, y.loaded_by ORDER BY y.year
                """).map { row in
                YearInfo(year: try row.int("year"), source: try row.string("source"), loadedAt: try row.date("loaded_at"),
                         loadedBy: row.optionalString("loaded_by"), holidays: row.optionalInt("holidays") ?? 0, workdays: row.optionalInt("workdays") ?? 0)
            }
        }
    }

    public func schedules() async throws -> [HolidaySchedule] {
        try await database.read { try await Self.schedules(in: $0) }
    }

    static func schedules(in session: any SQLSession) async throws -> [HolidaySchedule] {
        do {
            let years = try await session.query("SELECT year, source FROM calendar_years ORDER BY year")
            let days = try await session.query("SELECT year, day, kind, name FROM calendar_days ORDER BY year, day")
            var byYear: [Int: [HolidaySchedule.Day]] = [:]
            for row in days {
                byYear[try row.int("year"), default: []].append(
                    .init(date: try row.string("day"), kind: HolidaySchedule.Kind(rawValue: try row.string("kind")) ?? .holiday, name: try row.string("name")))
            }
            return try years.map { row in
                let year = try row.int("year")
                return HolidaySchedule(year: year, source: try row.string("source"), days: byYear[year] ?? [])
            }
        }
    }

    /// Loads (or replaces) the years in `schedules`, each validated first; all or nothing.
    public func load(_ schedules: [HolidaySchedule], audit: AuditDraft, at time: Date = Date()) async throws {
        for schedule in schedules { try schedule.validate() }
        try await database.transaction { session in
            for schedule in schedules {
                try await session.execute("DELETE FROM calendar_days WHERE year = $1", schedule.year)
                try await session.execute("DELETE FROM calendar_years WHERE year = $1", schedule.year)
                try await session.execute("INSERT INTO calendar_years (year, source, loaded_at, loaded_by) VALUES ($1, $2, $3, $4)",
                                          schedule.year, schedule.source, time, audit.actorUsername == nil ? "cli" : "regulator")
                for day in schedule.days {
                    try await session.execute("INSERT INTO calendar_days (year, day, kind, name) VALUES ($1, $2, $3, $4) ON CONFLICT (year, day) DO UPDATE SET kind = excluded.kind, name = excluded.name",
                                              schedule.year, CivilDay(day.date)!.description, day.kind.rawValue, day.name)
                }
            }
            // Deadlines still running are counted again on the corrected calendar (a year loaded late moves them).
            let calendar = WorkingCalendar(schedules: try await Self.schedules(in: session))
            var moved = 0
            for table in ["share_requests", "open_applications"] {
                let extra = table == "share_requests" ? " AND escalated_at IS NULL" : ""
                for row in try await session.query("SELECT id, accepted_at, deadline FROM \(table) WHERE status = 'pending'\(extra)") {
                    let deadline = calendar.deadline(accepted: try row.date("accepted_at"), workingDays: SharingStore.answerWorkingDays)
                    if Timestamp.format(deadline) != Timestamp.format(try row.date("deadline")) {
                        try await session.execute("UPDATE \(table) SET deadline = $2 WHERE id = $1", try row.string("id"), deadline)
                        moved += 1
                    }
                }
            }
            var draft = audit
            draft.detail["deadlines_moved"] = String(moved)
            draft.detail["years"] = schedules.map { String($0.year) }.joined(separator: ",")
            try await AuditTrail.append(draft, in: session, at: time)
        }
    }
}
