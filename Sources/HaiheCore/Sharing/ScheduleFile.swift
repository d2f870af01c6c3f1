import Foundation

/// Reads holiday schedules as the regulator supplies them, in either of two forms.
///
/// JSON, one schedule or several (`{"schedules": [...]}`), each year either listing days
/// (`{"year": 2027, "source": "…", "days": [{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}]}`) or grouped by
/// holiday as the State Council's notice reads (`"holidays": [{"name": "春节", "off": ["2027-02-05/2027-02-11"], "work": ["2027-02-13"]}]`).
///
/// CSV with a header: `date,kind,name` and optionally `year` (when a notice reaches into the year before) and `source`;
/// kind is `holiday`/`workday` or 放假/休 and 上班/班/调休.
public enum ScheduleFile {
    public static func parse(_ bytes: [UInt8], fileName: String? = nil) throws -> [HolidaySchedule] {
        let text: String
        do {
            let decoded = try bytes.withUnsafeBufferPointer { try TextDecoder().decode($0, final: true) }
            text = String(decoding: decoded, as: UTF8.self)
        } catch {
            throw HaiheError.invalid("calendar.encoding", zh: "日历文件不是有效的 UTF-8 或 GB18030 文本", en: "The calendar file is not UTF-8 or GB18030 text")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let schedules = trimmed.hasPrefix("{") || trimmed.hasPrefix("[") ? try parseJSON(Data(trimmed.utf8)) : try parseCSV(trimmed)
        guard !schedules.isEmpty else {
            throw HaiheError.invalid("calendar.empty", zh: "文件中没有任何年度安排", en: "The file holds no schedule")
        }
        var years = Set<Int>()
        for schedule in schedules {
            try schedule.validate()
            guard years.insert(schedule.year).inserted else {
                throw HaiheError.invalid("calendar.duplicate_year", zh: "\(schedule.year) 年出现了两次", en: "The year \(schedule.year) appears twice")
            }
        }
        return schedules
    }

    static func parseJSON(_ data: Data) throws -> [HolidaySchedule] {
        guard let object = try? JSONSerialization.jsonObject(with: data) else {
            throw HaiheError.invalid("calendar.json", zh: "日历文件不是有效的 JSON", en: "The calendar file is not valid JSON")
        }
        let items: [Any]
        if let dictionary = object as? [String: Any], let list = dictionary["schedules"] as? [Any] {
            items = list
        } else if let list = object as? [Any] {
            items = list
        } else {
            items = [object]
        }
        return try items.map { item in
            guard let schedule = item as? [String: Any], let year = (schedule["year"] as? NSNumber)?.intValue ?? (schedule["year"] as? String).flatMap({ Int($0) }) else {
                throw HaiheError.invalid("calendar.year_missing", zh: "每个年度安排都需要 year（年份）", en: "Every schedule needs a year")
            }
            let source = schedule["source"] as? String ?? ""
            var days: [HolidaySchedule.Day] = []
            if let listed = schedule["days"] as? [[String: Any]] {
                for day in listed {
                    guard let date = day["date"] as? String, let kindText = day["kind"] as? String, let kind = kind(kindText) else {
                        throw HaiheError.invalid("calendar.day", zh: "\(year) 年的某一天缺少 date 或 kind（holiday/workday）", en: "A day of \(year) lacks date or kind (holiday/workday)")
                    }
                    days.append(.init(date: date, kind: kind, name: day["name"] as? String ?? ""))
                }
            }
            for holiday in schedule["holidays"] as? [[String: Any]] ?? [] {
                let name = holiday["name"] as? String ?? ""
                for span in holiday["off"] as? [String] ?? [] {
                    days += try expand(span, year: year).map { .init(date: $0.description, kind: .holiday, name: name) }
                }
                for date in holiday["work"] as? [String] ?? [] {
                    days.append(.init(date: date, kind: .workday, name: name + "调休"))
                }
            }
            return HolidaySchedule(year: year, source: source, days: days)
        }
    }

    static func parseCSV(_ text: String) throws -> [HolidaySchedule] {
        let records: [[String]]
        do {
            records = try CSVParser.records(of: Array(text.utf8))
        } catch {
            throw HaiheError.invalid("calendar.csv", zh: "日历 CSV 文件格式不正确", en: "The calendar CSV file is malformed")
        }
        guard let header = records.first?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }),
              let dateColumn = header.firstIndex(of: "date"), let kindColumn = header.firstIndex(of: "kind") else {
            throw HaiheError.invalid("calendar.csv_header", zh: "CSV 首行应为 date,kind,name（可加 year、source）", en: "The CSV header must be date,kind,name (year and source optional)")
        }
        let nameColumn = header.firstIndex(of: "name")
        let yearColumn = header.firstIndex(of: "year")
        let sourceColumn = header.firstIndex(of: "source")
        var byYear: [Int: HolidaySchedule] = [:]
        for (index, record) in records.dropFirst().enumerated() where !(record.count == 1 && record[0].isEmpty) {
            func value(_ column: Int?) -> String? {
                guard let column, column < record.count else { return nil }
                return record[column].trimmingCharacters(in: .whitespaces)
            }
            guard let date = value(dateColumn), let civil = CivilDay(date) else {
                throw HaiheError.invalid("calendar.date", zh: "第 \(index + 2) 行的日期无效（应为 YYYY-MM-DD）", en: "Line \(index + 2): invalid date (use YYYY-MM-DD)")
            }
            guard let kind = value(kindColumn).flatMap(kind) else {
                throw HaiheError.invalid("calendar.kind", zh: "第 \(index + 2) 行的类型应为 holiday（放假）或 workday（上班）", en: "Line \(index + 2): kind must be holiday or workday")
            }
            let year = try value(yearColumn).map { text -> Int in
                guard let year = Int(text) else {
                    throw HaiheError.invalid("calendar.year", zh: "第 \(index + 2) 行的年份无效", en: "Line \(index + 2): invalid year")
                }
                return year
            } ?? civil.year
            var schedule = byYear[year] ?? HolidaySchedule(year: year, source: value(sourceColumn) ?? "", days: [])
            schedule.days.append(.init(date: civil.description, kind: kind, name: value(nameColumn) ?? ""))
            byYear[year] = schedule
        }
        return byYear.values.sorted { $0.year < $1.year }
    }

    static func kind(_ text: String) -> HolidaySchedule.Kind? {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "holiday", "off", "放假", "休", "假": .holiday
        case "workday", "work", "上班", "班", "调休": .workday
        default: nil
        }
    }

    /// `2027-02-05` or `2027-02-05/2027-02-11` (both days included).
    static func expand(_ span: String, year: Int) throws -> [CivilDay] {
        let parts = span.split(separator: "/")
        guard (1...2).contains(parts.count), let first = CivilDay(parts[0]), let last = CivilDay(parts.last!), first <= last, last.number - first.number < 40 else {
            throw HaiheError.invalid("calendar.span", zh: "\(year) 年的放假区间“\(span)”无效", en: "The \(year) holiday span '\(span)' is invalid")
        }
        return (first.number...last.number).map(CivilDay.init(number:))
    }

    /// The schedules shipped with the platform (2019 onwards), from the bundled data file.
    public static func shipped() -> [HolidaySchedule] {
        guard let url = Bundle.module.url(forResource: "prc-working-calendar", withExtension: "json"),
              let data = try? Data(contentsOf: url), let schedules = try? parse([UInt8](data)) else { return [] }
        return schedules
    }
}
