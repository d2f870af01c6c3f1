/// One record while the parser calls back: its fields as UTF-8 bytes, valid only during the call.
public struct CSVRecord {
    let bytes: UnsafeBufferPointer<UInt8>
    let ends: UnsafeBufferPointer<Int>
    /// The line on which the record starts (1-based; a quoted field may span lines).
    public let line: Int

    public var count: Int { ends.count }

    public subscript(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        let start = index == 0 ? 0 : ends[index - 1]
        return UnsafeBufferPointer(rebasing: bytes[start..<ends[index]])
    }

    /// The record written back as one CSV line (fields quoted where needed), for quarantine.
    public var text: String {
        CSVField.line((0..<count).map { String(decoding: self[$0], as: UTF8.self) })
    }
}

/// Writing CSV (RFC 4180): the one place that decides when and how a value is quoted.
public enum CSVField {
    /// The value as a CSV field: quoted, with quotes doubled, when it holds a comma, a quote or a line break.
    public static func quoted(_ value: String) -> String {
        needsQuotes(value) ? alwaysQuoted(value) : value
    }

    /// Decided on bytes, not characters: "\r\n" or a comma followed by a combining mark is one Swift character.
    public static func needsQuotes(_ value: String) -> Bool {
        value.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
    }

    /// Quoted whether or not it needs to be: the same value to any CSV reader (delivery fingerprints use the choice).
    public static func alwaysQuoted(_ value: String) -> String {
        var bytes: [UInt8] = [0x22]
        bytes.reserveCapacity(value.utf8.count + 2)
        for byte in value.utf8 {
            bytes.append(byte)
            if byte == 0x22 { bytes.append(0x22) }
        }
        bytes.append(0x22)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// One line of comma-separated fields, without the line break. A lone empty value is written `""`, since an
    /// empty line is skipped by readers and the row would be lost.
    public static func line(_ values: [String]) -> String {
        if values.count == 1 && values[0].isEmpty { return "\"\"" }
        return values.map(quoted).joined(separator: ",")
    }
}

/// A streaming CSV reader (RFC 4180): any one-byte delimiter, quoted fields with doubled quotes and embedded line
/// breaks, and LF, CRLF or CR line endings, mixed. It is fed chunks of UTF-8 and keeps only the current record,
/// so memory stays flat whatever the file's size. Blank lines are skipped.
public struct CSVParser {
    public enum Failure: Error, Equatable {
        /// A field longer than the limit (a file that is not CSV, or a runaway quote).
        case fieldTooLong(line: Int, column: Int, limit: Int)
        /// A quoted field still open at the end of the input.
        case unterminatedQuote(line: Int)
        /// A record with more fields than any table could have (a file of delimiters, or not CSV at all).
        case tooManyFields(line: Int, limit: Int)
    }

    /// More columns than a spreadsheet can hold is not a table.
    public static let maximumFields = 16_384

    public let delimiter: UInt8
    public let maximumFieldBytes: Int
    private var record: [UInt8] = []
    private var ends: [Int] = []
    private var state = State.fieldStart
    private var line = 1
    private var recordLine = 1
    private var fieldStart = 0
    /// Whether the current record had a quoted field: `""` alone on a line is a record with one empty value, not a blank line.
    private var recordQuoted = false

    enum State { case fieldStart, unquoted, quoted, quoteInQuoted, afterCR }

    public init(delimiter: UInt8 = UInt8(ascii: ","), maximumFieldBytes: Int = 1 << 20) {
        self.delimiter = delimiter
        self.maximumFieldBytes = maximumFieldBytes
        record.reserveCapacity(4096)
        ends.reserveCapacity(64)
    }

    /// Guesses the delimiter from the first line: the most frequent of comma, tab, semicolon and bar outside quotes.
    public static func sniffDelimiter(_ sample: UnsafeBufferPointer<UInt8>) -> UInt8 {
        var counts: [UInt8: Int] = [UInt8(ascii: ","): 0, UInt8(ascii: "\t"): 0, UInt8(ascii: ";"): 0, UInt8(ascii: "|"): 0]
        var quoted = false
        for byte in sample {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if !quoted, byte == 0x0A || byte == 0x0D { break }
            if !quoted, counts[byte] != nil { counts[byte]! += 1 }
        }
        let best = counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }!
        return best.value > 0 ? best.key : UInt8(ascii: ",")
    }

    public mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, _ onRecord: (CSVRecord) throws -> Void) throws {
        let quote = UInt8(ascii: "\""), lf: UInt8 = 0x0A, cr: UInt8 = 0x0D, delimiter = self.delimiter
        var i = 0
        let n = chunk.count
        while i < n {
            let byte = chunk[i]
            switch state {
            case .afterCR:
                state = .fieldStart
                if byte == lf { i += 1; continue }
                continue
            case .fieldStart, .unquoted:
                if state == .fieldStart, byte == quote {
                    state = .quoted
                    recordQuoted = true
                    i += 1
                    continue
                }
                // Copy the run of plain bytes up to the next special one in one go.
                var j = i
                while j < n {
                    let b = chunk[j]
                    if b == delimiter || b == lf || b == cr || b == quote { break }
                    j += 1
                }
                if j > i {
                    record.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[i..<j]))
                    try checkLength()
                    state = .unquoted
                    i = j
                    continue
                }
                if byte == delimiter {
                    try endFieldChecked()
                    state = .fieldStart
                } else if byte == lf || byte == cr {
                    try endRecord(onRecord)
                    line += 1
                    state = byte == cr ? .afterCR : .fieldStart
                } else {
                    // A quote inside an unquoted field is kept as it is.
                    record.append(byte)
                    state = .unquoted
                }
                i += 1
            case .quoted:
                var j = i
                while j < n, chunk[j] != quote {
                    if chunk[j] == lf { line += 1 }
                    j += 1
                }
                record.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[i..<j]))
                try checkLength()
                if j < n { state = .quoteInQuoted; j += 1 }
                i = j
            case .quoteInQuoted:
                if byte == quote {
                    record.append(quote)
                    state = .quoted
                    i += 1
                } else {
                    // The closing quote; whatever follows belongs to the same field until a delimiter or line end.
                    state = .unquoted
                    if byte == delimiter || byte == lf || byte == cr { continue }
                    record.append(byte)
                    i += 1
                }
            }
        }
    }

    /// Ends the input: the last record needs no line break.
    /// Every record of a small text at once, as strings (schedules, test fixtures); streams use `feed`.
    public static func records(of bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) throws -> [[String]] {
        var parser = CSVParser(delimiter: delimiter)
        var records: [[String]] = []
        let collect: (CSVRecord) -> Void = { record in records.append((0..<record.count).map { String(decoding: record[$0], as: UTF8.self) }) }
        try bytes.withUnsafeBufferPointer { try parser.feed($0, collect) }
        try parser.finish(collect)
        return records
    }

    public mutating func finish(_ onRecord: (CSVRecord) throws -> Void) throws {
        switch state {
        case .quoted: throw Failure.unterminatedQuote(line: recordLine)
        case .quoteInQuoted, .unquoted: try endRecord(onRecord)
        case .fieldStart: if !ends.isEmpty { try endRecord(onRecord) }
        case .afterCR: break
        }
        state = .fieldStart
    }

    private mutating func checkLength() throws {
        if record.count - fieldStart > maximumFieldBytes {
            throw Failure.fieldTooLong(line: recordLine, column: ends.count + 1, limit: maximumFieldBytes)
        }
    }

    private mutating func endField() {
        ends.append(record.count)
        fieldStart = record.count
    }

    private mutating func endFieldChecked() throws {
        endField()
        if ends.count > Self.maximumFields { throw Failure.tooManyFields(line: recordLine, limit: Self.maximumFields) }
    }

    private mutating func endRecord(_ onRecord: (CSVRecord) throws -> Void) throws {
        endField()
        defer {
            record.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            fieldStart = 0
            recordLine = line + 1
            recordQuoted = false
        }
        if ends.count == 1, ends[0] == 0, !recordQuoted { return }  // a blank line
        try record.withUnsafeBufferPointer { bytes in
            try ends.withUnsafeBufferPointer { ends in
                try onRecord(CSVRecord(bytes: bytes, ends: ends, line: recordLine))
            }
        }
    }
}
