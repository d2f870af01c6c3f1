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
        let totalMillis = Int64((min(max(date.timeIntervalSince1970, -62_135_596_800), 253_402_300_799) * 1000).rounded())
        var seconds = time_t(totalMillis.floorDiv(1000))
        let millis = Int(totalMillis - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), millis)
    }

    public static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601.year().month().day().dateSeparator(.dash)
            .time(includingFractionalSeconds: true).timeSeparator(.colon).timeZone(separator: .omitted)) {
            return date
        }
        return try? Date(text, strategy: .iso8601)
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
