import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension Int64 {
    /// Division rounding towards negative infinity, for instants before 1970.
    func floorDiv(_ divisor: Int64) -> Int64 {
        let q = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
    }
}

/// Instants are stored in UTC as fixed-width ISO 8601 text (`2026-11-30T08:15:00.123Z`):
/// the same in SQLite and PostgreSQL, sortable as text, and readable by anyone inspecting the database.
/// Working days are computed in Asia/Shanghai elsewhere; storage never holds local time.
public enum Timestamp {
    /// Rounds to the millisecond; formatted with the C library, which is exact and cheap on hot paths.
    public static func format(_ date: Date) -> String {
        // Clamped to years 0001–9999, so no date a caller sends can overflow the arithmetic below.
        let seconds = date.timeIntervalSince1970.isNaN ? 0 : date.timeIntervalSince1970
        let totalMillis = Int64((min(max(seconds, -62_135_596_800), 253_402_300_799) * 1000).rounded())
        var whole = time_t(totalMillis.floorDiv(1000))
        let millis = Int(totalMillis - Int64(whole) * 1000)
        var parts = tm()
        gmtime_r(&whole, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), millis)
    }

    public static func parse(_ text: String) -> Date? {
        if let date = parseStored(text) { return date }
        if let date = try? Date(text, strategy: .iso8601.year().month().day().dateSeparator(.dash)
            .time(includingFractionalSeconds: true).timeSeparator(.colon).timeZone(separator: .omitted)) {
            return date
        }
        return try? Date(text, strategy: .iso8601)
    }

    /// The stored form (`YYYY-MM-DDTHH:MM:SS.mmmZ`, exactly 24 bytes) read digit by digit: every row read parses
    /// several of these, and Foundation's ISO 8601 parser costs about ten times as much.
    static func parseStored(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { b -> Date? in
            guard b.count == 24, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, b[19] == 0x2E, b[23] == 0x5A else { return nil }
            func number(_ from: Int, _ length: Int) -> Int64? {
                var value: Int64 = 0
                for i in from..<(from + length) {
                    let digit = Int64(b[i]) - 48
                    guard digit >= 0, digit <= 9 else { return nil }
                    value = value * 10 + digit
                }
                return value
            }
            guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
                  let minute = number(14, 2), let second = number(17, 2), let millis = number(20, 3),
                  (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
            // Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
            let y = month <= 2 ? year - 1 : year
            let era = y.floorDiv(400)
            let yearOfEra = y - era * 400
            let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            let days = era * 146_097 + dayOfEra - 719_468
            let totalMillis = ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis
            return Date(timeIntervalSince1970: Double(totalMillis) / 1000)
        }
    }
}

/// The platform's notion of "now", injected so that tests drive deadlines and jobs without sleeping.
public protocol PlatformClock: Sendable {
    func now() -> Date
}

public struct SystemClock: PlatformClock {
    public init() {}
    public func now() -> Date { Date() }
}
