import Foundation

/// 数据解读 (Art. 25): what a published version holds, computed once (a version never changes) and shown next to the
/// field list — row count, and per field its nulls, distinct values, range, most frequent values or a histogram, and
/// for dates the rows per month.
public struct DatasetProfile: Sendable, Codable, Equatable {
    public struct Count: Sendable, Codable, Equatable {
        public var value: String
        public var count: Int

        public init(value: String, count: Int) {
            self.value = value
            self.count = count
        }
    }

    public struct Bucket: Sendable, Codable, Equatable {
        public var lower: Double
        public var upper: Double
        public var count: Int

        public init(lower: Double, upper: Double, count: Int) {
            self.lower = lower
            self.upper = upper
            self.count = count
        }
    }

    public struct Field: Sendable, Codable, Equatable {
        public var name: String
        public var type: FieldType
        public var nulls: Int
        public var distinct: Int
        public var minimum: String?
        public var maximum: String?
        /// The most frequent values (text fields with repeating values).
        public var top: [Count]
        /// Ten equal-width buckets between minimum and maximum (numbers).
        public var histogram: [Bucket]
        /// Rows per month, `YYYY-MM` (dates and date-times).
        public var months: [Count]

        public init(name: String, type: FieldType, nulls: Int, distinct: Int, minimum: String?, maximum: String?, top: [Count] = [],
                    histogram: [Bucket] = [], months: [Count] = []) {
            self.name = name
            self.type = type
            self.nulls = nulls
            self.distinct = distinct
            self.minimum = minimum
            self.maximum = maximum
            self.top = top
            self.histogram = histogram
            self.months = months
        }
    }

    public var versionID: String
    public var rows: Int
    public var fields: [Field]

    public init(versionID: String, rows: Int, fields: [Field]) {
        self.versionID = versionID
        self.rows = rows
        self.fields = fields
    }

    public static let topValues = 10
    public static let buckets = 10
}
