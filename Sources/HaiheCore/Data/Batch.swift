import Foundation

/// The formats a batch of data arrives in.
public enum BatchFormat: String, Sendable, Codable, CaseIterable {
    case csv
    /// A JSON array of objects, or newline-delimited JSON (one object per line).
    case json
    /// An Excel workbook: one sheet is read as CSV before anything else happens.
    case xlsx

    /// From a file name or a content type; CSV when nothing says otherwise.
    public static func guess(fileName: String? = nil, contentType: String? = nil) -> BatchFormat {
        let type = contentType?.lowercased() ?? "", name = fileName?.lowercased() ?? ""
        if type.contains("spreadsheetml") || name.hasSuffix(".xlsx") { return .xlsx }
        if type.contains("json") || name.hasSuffix(".json") || name.hasSuffix(".ndjson") || name.hasSuffix(".jsonl") { return .json }
        return .csv
    }
}

/// What to do with a batch that has rejected rows (set per entry by its provider).
public enum RejectionPolicy: String, Sendable, Codable, CaseIterable {
    /// Publish the valid rows; the rejected ones wait in quarantine.
    case quarantine
    /// Publish nothing if any row is rejected.
    case rejectBatch = "reject_batch"
}

/// A refused row as it waits in quarantine: where it was, what it said, and every reason.
public struct QuarantinedRow: Sendable, Codable, Equatable {
    public var rowNumber: Int
    public var original: String
    public var problems: [RowProblem]

    public init(rowNumber: Int, original: String, problems: [RowProblem]) {
        self.rowNumber = rowNumber
        self.original = original
        self.problems = problems
    }
}

/// The quality report of one batch (Art. 12). `rowsRead == rowsAccepted + rowsRejected`, always.
public struct QualityReport: Sendable, Codable, Equatable {
    public var rowsRead = 0
    public var rowsAccepted = 0
    public var rowsRejected = 0
    /// Rows a push batch deleted by key (absent for whole batches).
    public var rowsDeleted: Int?
    /// Rejected rows per broken rule, and per field (a row can break several).
    public var byRule: [String: Int] = [:]
    public var byField: [String: Int] = [:]
    /// The first rejected rows, as examples.
    public var examples: [QuarantinedRow] = []
    public var encoding: String?
    public var delimiter: String?

    public init() {}

    public mutating func reject(_ row: QuarantinedRow) {
        rowsRejected += 1
        for rule in Set(row.problems.map(\.rule.rawValue)) { byRule[rule, default: 0] += 1 }
        for field in Set(row.problems.compactMap(\.field)) { byField[field, default: 0] += 1 }
        if examples.count < 20 { examples.append(row) }
    }
}

/// The checks of every field of an entry, applied to one row at a time.
public struct RowChecker: Sendable {
    public let checks: [FieldCheck]

    public init(fields: [FieldDefinition]) {
        checks = fields.map(FieldCheck.init)
    }

    /// The values to store, or every problem of the row.
    public func check(_ row: BatchRow, into values: inout [CellValue]) -> [RowProblem] {
        var problems: [RowProblem] = []
        for (index, check) in checks.enumerated() {
            switch check.check(row[index]) {
            case .success(let value): values[index] = value
            case .failure(let problem): problems.append(problem)
            }
        }
        return problems
    }
}

/// One data row while the reader calls back; valid only during the call.
public struct BatchRow {
    /// The row as the uploader counts it: in a CSV file the header is row 1, so the first data row is 2; in JSON the
    /// first object is 1.
    public let number: Int
    let record: CSVRecord
    let columns: UnsafeBufferPointer<Int>
    /// Set when the row cannot be read against the fields at all (a CSV row with the wrong number of columns).
    public let shapeProblem: RowProblem?

    /// The value of the entry's field `index`, empty when absent.
    public subscript(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        let column = columns[index]
        return column < 0 || column >= record.count ? UnsafeBufferPointer(start: nil, count: 0) : record[column]
    }

    /// The row as text, for quarantine.
    public var original: String { record.text }
}

/// Reads a batch — CSV or JSON, in UTF-8 or GB18030 — chunk by chunk, and hands each row to the caller in the order
/// of the entry's fields. Memory stays flat with the size of a CSV file. Problems with the file as a whole
/// (encoding, header, a runaway field) end the read with a bilingual error; problems of single rows do not.
public struct BatchReader {
    public let fields: [FieldDefinition]
    public let format: BatchFormat
    public private(set) var encoding: TextEncoding?
    public private(set) var delimiter: UInt8?

    public static let maximumJSONBytes = 256 << 20

    public init(fields: [FieldDefinition], format: BatchFormat, encoding: TextEncoding? = nil, delimiter: UInt8? = nil) {
        self.fields = fields
        self.format = format
        self.encoding = encoding
        self.delimiter = delimiter
    }

    /// Reads every chunk `next` returns until it returns nil.
    public mutating func read(_ next: () throws -> [UInt8]?, _ onRow: (BatchRow) throws -> Void) throws {
        let decoder = TextDecoder(encoding: encoding)
        defer { encoding = decoder.encoding }
        var sawAnything = false
        func decoded(final: Bool, _ chunk: [UInt8]) throws -> [UInt8] {
            do {
                return try chunk.withUnsafeBufferPointer { try decoder.decode($0, final: final) }
            } catch TextDecoder.Failure.notText(let offset) {
                throw HaiheError.invalid("data.not_text", zh: "文件不是文本（第\(offset + 1)字节为空字符），请上传CSV或JSON",
                                         en: "The file is not text (byte \(offset + 1) is NUL); upload CSV or JSON")
            } catch TextDecoder.Failure.invalid(let encoding, let offset) {
                throw HaiheError.invalid("data.encoding", zh: "第\(offset + 1)字节起不是有效的\(encoding.rawValue.uppercased())编码，请确认文件编码（UTF-8或GB18030/GBK）",
                                         en: "Bytes from \(offset + 1) on are not valid \(encoding.rawValue.uppercased()); check the file's encoding (UTF-8 or GB18030/GBK)")
            }
        }
        switch format {
        case .csv:
            var parser: CSVParser?
            var columns: [Int] = []
            var header: [String] = []
            var rowNumber = 0
            let fields = self.fields
            func handle(_ record: CSVRecord) throws {
                rowNumber += 1
                if header.isEmpty {
                    header = (0..<record.count).map { String(decoding: record[$0], as: UTF8.self).trimmingCharacters(in: .whitespaces) }
                    columns = try Self.mapColumns(header, to: fields)
                    return
                }
                let shape: RowProblem? = record.count == header.count ? nil : RowProblem(
                    field: nil, rule: .shape, zh: "该行有\(record.count)列，表头有\(header.count)列", en: "The row has \(record.count) columns; the header has \(header.count)")
                try columns.withUnsafeBufferPointer { columns in
                    try onRow(BatchRow(number: rowNumber, record: record, columns: columns, shapeProblem: shape))
                }
            }
            func feed(_ text: [UInt8]) throws {
                try text.withUnsafeBufferPointer { text in
                    if parser == nil {
                        if text.isEmpty { return }
                        delimiter = delimiter ?? CSVParser.sniffDelimiter(text)
                        parser = CSVParser(delimiter: delimiter!)
                    }
                    do { try parser!.feed(text, handle) } catch let failure as CSVParser.Failure { throw Self.explain(failure) }
                }
            }
            while let chunk = try next() {
                if !chunk.isEmpty { sawAnything = true }
                try feed(try decoded(final: false, chunk))
            }
            try feed(try decoded(final: true, []))
            do { try parser?.finish(handle) } catch let failure as CSVParser.Failure { throw Self.explain(failure) }
            if header.isEmpty {
                throw HaiheError.invalid("data.empty", zh: sawAnything ? "文件没有表头行" : "文件为空", en: sawAnything ? "The file has no header row" : "The file is empty")
            }
        case .xlsx:
            throw HaiheError.invalid("data.format", zh: "Excel文件须先转换为CSV再读取", en: "An Excel file is converted to CSV before it is read")
        case .json:
            var text: [UInt8] = []
            var bytesRead = 0
            while let chunk = try next() {
                bytesRead += chunk.count
                // JSON is parsed whole; very large data belongs in CSV, which streams.
                guard bytesRead <= Self.maximumJSONBytes else {
                    throw HaiheError.invalid("data.json_too_large", zh: "JSON文件超过\(Self.maximumJSONBytes >> 20)MB，请改用CSV",
                                             en: "JSON files are limited to \(Self.maximumJSONBytes >> 20) MB; use CSV for more")
                }
                text += try decoded(final: false, chunk)
            }
            text += try decoded(final: true, [])
            try readJSON(text, onRow)
        }
    }

    /// CSV header names → column per field. A header may name a field by its name or its Chinese label.
    static func mapColumns(_ header: [String], to fields: [FieldDefinition]) throws -> [Int] {
        var byName: [String: Int] = [:]
        for (index, name) in header.enumerated() {
            let key = name.replacingOccurrences(of: "\u{FEFF}", with: "").lowercased()
            if byName[key] != nil {
                throw HaiheError.invalid("data.duplicate_column", zh: "表头中“\(name)”出现两次", en: "The header names column '\(name)' twice")
            }
            byName[key] = index
        }
        var columns: [Int] = []
        var missing: [String] = []
        var used = Set<Int>()
        for field in fields {
            if let column = byName[field.name.lowercased()] ?? byName[field.labelZH.lowercased()] {
                columns.append(column)
                used.insert(column)
            } else {
                missing.append(field.required ? "\(field.name)（\(field.labelZH)）" : field.name)
                columns.append(-1)
            }
        }
        let unknown = header.indices.filter { !used.contains($0) }.map { header[$0] }
        if !unknown.isEmpty {
            throw HaiheError.invalid("data.unknown_columns", zh: "表头含有目录中没有的列：\(unknown.joined(separator: "、"))",
                                     en: "The header has columns the catalog entry does not define: \(unknown.joined(separator: ", "))")
        }
        if !missing.isEmpty {
            throw HaiheError.invalid("data.missing_columns", zh: "表头缺少目录定义的列：\(missing.joined(separator: "、"))",
                                     en: "The header lacks columns the catalog entry defines: \(missing.joined(separator: ", "))")
        }
        return columns
    }

    static func explain(_ failure: CSVParser.Failure) -> HaiheError {
        switch failure {
        case .fieldTooLong(let line, let column, let limit):
            .invalid("data.field_too_long", zh: "第\(line)行第\(column)列的值超过\(limit / 1024)KB（可能不是CSV文件，或引号未闭合）",
                     en: "The value in row \(line), column \(column) exceeds \(limit / 1024) KB (not a CSV file, or an unclosed quote)")
        case .unterminatedQuote(let line):
            .invalid("data.unterminated_quote", zh: "第\(line)行开始的引号没有闭合", en: "A quote opened in row \(line) is never closed")
        case .tooManyFields(let line, let limit):
            .invalid("data.too_many_columns", zh: "第\(line)行超过\(limit)列（可能不是CSV文件）", en: "Row \(line) has more than \(limit) columns (not a CSV file?)")
        }
    }

    /// A JSON array of objects, or one object per line. Keys are field names (or Chinese labels); values may be
    /// strings, numbers, booleans or null.
    mutating func readJSON(_ text: [UInt8], _ onRow: (BatchRow) throws -> Void) throws {
        let trimmed = text.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        guard let first = trimmed.first else { throw HaiheError.invalid("data.empty", zh: "文件为空", en: "The file is empty") }
        var objects: [(Int, Any)] = []
        func parse(_ bytes: some Collection<UInt8>, line: Int) throws -> Any {
            do { return try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) } catch {
                throw HaiheError.invalid("data.json", zh: "第\(line)行不是有效的JSON", en: "Line \(line) is not valid JSON")
            }
        }
        if first == UInt8(ascii: "[") {
            guard let array = try parse(trimmed, line: 1) as? [Any] else {
                throw HaiheError.invalid("data.json", zh: "JSON应为对象数组", en: "The JSON must be an array of objects")
            }
            objects = array.enumerated().map { ($0 + 1, $1) }
        } else {
            for (index, line) in text.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
                objects.append((index + 1, try parse(line, line: index + 1)))
            }
        }
        var keys: [String: Int] = [:]
        for (index, field) in fields.enumerated() {
            keys[field.name.lowercased()] = index
            keys[field.labelZH.lowercased()] = index
        }
        let columns = Array(fields.indices)
        var bytes: [UInt8] = [], ends: [Int] = []
        for (number, value) in objects {
            guard let object = value as? [String: Any] else {
                throw HaiheError.invalid("data.json", zh: "第\(number)条记录不是JSON对象", en: "Record \(number) is not a JSON object")
            }
            var values = [String](repeating: "", count: fields.count)
            for (key, value) in object {
                guard let index = keys[key.lowercased()] else {
                    throw HaiheError.invalid("data.unknown_columns", zh: "第\(number)条记录含有目录中没有的键：\(key)",
                                             en: "Record \(number) has a key the catalog entry does not define: \(key)")
                }
                values[index] = Self.text(of: value)
            }
            bytes.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            for value in values {
                bytes += value.utf8
                ends.append(bytes.count)
            }
            try bytes.withUnsafeBufferPointer { b in
                try ends.withUnsafeBufferPointer { e in
                    try columns.withUnsafeBufferPointer { c in
                        try onRow(BatchRow(number: number, record: CSVRecord(bytes: b, ends: e, line: number), columns: c, shapeProblem: nil))
                    }
                }
            }
        }
    }

    /// A JSON value as the text a CSV cell would hold.
    public static func text(of value: Any) -> String {
        switch value {
        case is NSNull: return ""
        case let string as String: return string
        case let number as NSNumber:
            // JSON true/false arrive as NSNumbers of C type char ("c"); JSON numbers never do.
            if String(cString: number.objCType) == "c" { return number.boolValue ? "true" : "false" }
            return number.stringValue
        default:
            let data = (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }
}
