import Foundation
import HaiheCore
import Testing

/// Parses `text` fed in chunks of `chunk` bytes and returns every record's fields.
func parseCSV(_ text: String, chunk: Int = 1 << 20, delimiter: UInt8 = UInt8(ascii: ",")) throws -> [[String]] {
    var parser = CSVParser(delimiter: delimiter, maximumFieldBytes: 64)
    var records: [[String]] = []
    let bytes = Array(text.utf8)
    var start = 0
    repeat {
        let end = min(start + chunk, bytes.count)
        try bytes[start..<end].withUnsafeBufferPointer { part in
            try parser.feed(part) { record in records.append((0..<record.count).map { String(decoding: record[$0], as: UTF8.self) }) }
        }
        start = end
    } while start < bytes.count
    try parser.finish { record in records.append((0..<record.count).map { String(decoding: record[$0], as: UTF8.self) }) }
    return records
}

func check(_ field: FieldDefinition, _ value: String) -> Result<CellValue, RowProblem> {
    var value = value
    return value.withUTF8 { FieldCheck(field).check($0) }
}

@Suite("Reading files: CSV, encodings")
struct FileReadingTests {
    @Test("RFC 4180: quotes, doubled quotes, line breaks inside quotes, mixed line endings, blank lines — the same in any chunking")
    func csvEdges() throws {
        let text = "a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\n2,\"line one\nline two\",\r3,,last\r\n\n4,\"\",\"\""
        let expected = [["a", "b", "c"], ["1", "x, y", "say \"hi\""], ["2", "line one\nline two", ""], ["3", "", "last"], ["4", "", ""]]
        for chunk in [1, 2, 3, 7, 1 << 20] {
            #expect(try parseCSV(text, chunk: chunk) == expected, "chunk \(chunk)")
        }
    }

    @Test("the delimiter is sniffed from the header; an open quote and a runaway field are errors naming the line")
    func csvFailures() throws {
        for (header, delimiter) in [("a;b;c\n", ";"), ("a\tb\n", "\t"), ("a|b\n", "|"), ("a,b;c,d\n", ",")] {
            let guessed = Array(header.utf8).withUnsafeBufferPointer { CSVParser.sniffDelimiter($0) }
            #expect(guessed == UInt8(ascii: Unicode.Scalar(delimiter)!))
        }
        #expect(throws: CSVParser.Failure.unterminatedQuote(line: 2)) { try parseCSV("a,b\n1,\"open\nmore") }
        #expect(throws: CSVParser.Failure.tooManyFields(line: 1, limit: CSVParser.maximumFields)) { try parseCSV(String(repeating: ",", count: 20_000)) }
        #expect(throws: CSVParser.Failure.fieldTooLong(line: 3, column: 2, limit: 64)) {
            try parseCSV("a,b\n1,2\n3," + String(repeating: "x", count: 100) + "\n")
        }
    }

    @Test("UTF-8 with or without BOM, GB18030 detected, a character split across chunks, invalid bytes and binary refused")
    func encodings() throws {
        func decode(_ bytes: [UInt8], named: TextEncoding? = nil, chunk: Int) throws -> (String, TextEncoding?) {
            let decoder = TextDecoder(encoding: named)
            var out: [UInt8] = []
            var start = 0
            while start < bytes.count {
                let end = min(start + chunk, bytes.count)
                out += try bytes[start..<end].withUnsafeBufferPointer { try decoder.decode($0) }
                start = end
            }
            out += try decoder.decode(UnsafeBufferPointer(start: nil, count: 0), final: true)
            return (String(decoding: out, as: UTF8.self), decoder.encoding)
        }
        let utf8 = Array("名称,金额\n天津企业,12.5\n".utf8)
        let gb18030: [UInt8] = [0xc3, 0xfb, 0xb3, 0xc6, 0x2c, 0xbd, 0xf0, 0xb6, 0xee, 0x0a, 0xcc, 0xec, 0xbd, 0xf2, 0xc6, 0xf3, 0xd2, 0xb5,
                                0x2c, 0x31, 0x32, 0x2e, 0x35, 0x0a]
        for chunk in [1, 2, 5, 4096] {
            #expect(try decode(utf8, chunk: chunk) == ("名称,金额\n天津企业,12.5\n", .utf8))
            #expect(try decode([0xEF, 0xBB, 0xBF] + utf8, chunk: chunk) == ("名称,金额\n天津企业,12.5\n", .utf8))
            #expect(try decode(gb18030, named: .gb18030, chunk: chunk).0 == "名称,金额\n天津企业,12.5\n")
        }
        #expect(try decode(gb18030, chunk: 4096) == ("名称,金额\n天津企业,12.5\n", .gb18030))
        #expect(TextEncoding(name: "GBK") == .gb18030 && TextEncoding(name: "UTF8") == .utf8 && TextEncoding(name: "latin1") == nil)
        // UTF-8 that goes bad after the first chunk.
        #expect(throws: TextDecoder.Failure.invalid(encoding: .utf8, offset: 6)) { try decode(Array("abcdef".utf8) + [0xFF, 0x41], chunk: 6) }
        #expect(throws: TextDecoder.Failure.notText(offset: 4)) { try decode([0x89, 0x50, 0x4E, 0x47, 0x00, 0x01], chunk: 4096) }
    }
}

@Suite("Checking values against field definitions (Art. 12)")
struct FieldCheckTests {
    @Test("types: integers, decimals, booleans, dates in three spellings, date-times; empty is null unless required")
    func types() throws {
        let integer = FieldDefinition(name: "n", labelZH: "数量", type: .integer, minimum: "0", maximum: "100")
        #expect(try check(integer, "42").get() == .integer(42))
        #expect(try check(integer, " 7 ").get() == .integer(7))
        for bad in ["4.2", "abc", "1e3", "-", "12345678901234567890"] { #expect(throws: RowProblem.self) { try check(integer, bad).get() } }
        #expect((try? check(integer, "101").get()) == nil)
        #expect(try check(integer, "").get() == .null)
        var required = integer
        required.required = true
        if case .failure(let problem) = check(required, "") { #expect(problem.rule == .required) } else { Issue.record("empty accepted") }

        let decimal = FieldDefinition(name: "amount", labelZH: "金额", type: .decimal)
        #expect(try check(decimal, "-12.50").get() == .real(-12.5))
        #expect(try check(decimal, "0.1").get() == .real(0.1))
        #expect(try check(decimal, "1e6").get() == .real(1_000_000))
        #expect((try? check(decimal, "12,5").get()) == nil)

        let flag = FieldDefinition(name: "open", labelZH: "是否开放", type: .boolean)
        #expect(try check(flag, "是").get() == .integer(1) && check(flag, "false").get() == .integer(0))
        #expect((try? check(flag, "maybe").get()) == nil)

        let date = FieldDefinition(name: "d", labelZH: "日期", type: .date, minimum: "1949-10-01")
        #expect(try check(date, "2024-02-29").get() == .text("2024-02-29"))
        #expect(try check(date, "2024/03/01").get() == .text("2024-03-01"))
        #expect(try check(date, "20240301").get() == .text("2024-03-01"))
        for bad in ["2023-02-29", "2024-13-01", "24-03-01", "1900-01-01"] { #expect((try? check(date, bad).get()) == nil, "\(bad)") }

        let time = FieldDefinition(name: "t", labelZH: "时间", type: .datetime)
        #expect(try check(time, "2026-12-01 08:30:00").get() == .text("2026-12-01T08:30:00"))
        #expect(try check(time, "2026-12-01T08:30:00.123+08:00").get() == .text("2026-12-01T08:30:00.123+08:00"))
        #expect((try? check(time, "2026-12-01 25:00").get()) == nil)
    }

    @Test("Chinese identifiers with their check digits: 公民身份号码, 统一社会信用代码, mobile, division and postal codes")
    func identifiers() {
        func id(for first17: String) -> String { first17 + String(ResidentIdentityNumber.checkCharacter(for: first17)!) }
        func wrongCheck(_ id: String) -> String { String(id.dropLast()) + (id.last == "1" ? "2" : "1") }
        func field(_ kind: IdentifierKind) -> FieldDefinition { FieldDefinition(name: "id", labelZH: kind.labelZH, type: .text, identifier: kind) }
        let cases: [(IdentifierKind, [String], [String])] = [
            (.residentIdentityNumber, [id(for: "11010519491231002"), id(for: "12010119800229123"), id(for: "12010520000101001")],
             [wrongCheck(id(for: "11010519491231002")), id(for: "12010119810229123"), "1101051949123100"]),
            (.creditCode, ["91350100M000100Y43", UnifiedSocialCreditCode.make(authority: "1", type: "1", division: "120000", organizationBody: "00000001")!],
             ["91350100M000100Y44", "91350100M000100I43", "9135010"]),
            (.mobile, ["13812345678", "19912345678"], ["12812345678", "1381234567", "2381234567a"]),
            (.divisionCode, ["120101", "120116", "110105", "440300"], ["120199", "990000", "12010"]),
            (.postalCode, ["300000", "300457", "100101"], ["30000", "900000", "3000a0"]),
        ]
        for (kind, valid, invalid) in cases {
            #expect(!valid.isEmpty)
            for value in valid { #expect((try? check(field(kind), value).get()) != nil, "\(kind) \(value)") }
            for value in invalid {
                if case .failure(let problem) = check(field(kind), value) {
                    #expect(problem.rule == .identifier, "\(kind) \(value)")
                    #expect(problem.messageZH.contains(kind.labelZH))
                } else {
                    Issue.record("\(kind) accepted \(value)")
                }
            }
        }
    }

    @Test("allowed values, lengths in characters, patterns; every reason is bilingual and names the field")
    func constraints() throws {
        let status = FieldDefinition(name: "status", labelZH: "状态", type: .text, allowedValues: ["存续", "注销"])
        #expect(try check(status, "存续").get() == .original)
        if case .failure(let problem) = check(status, "开业") {
            #expect(problem.rule == .allowedValues && problem.messageZH.contains("状态") && problem.messageEN.contains("status"))
        } else { Issue.record("allowed values not enforced") }
        let name = FieldDefinition(name: "name", labelZH: "名称", type: .text, minLength: 2, maxLength: 4)
        #expect((try? check(name, "天津企业").get()) != nil)
        #expect((try? check(name, "天津市企业").get()) == nil)
        #expect((try? check(name, "津").get()) == nil)
        let plate = FieldDefinition(name: "plate", labelZH: "车牌", type: .text, pattern: "津[A-Z][0-9A-Z]{5}")
        #expect((try? check(plate, "津A12345").get()) != nil)
        #expect((try? check(plate, "京A12345").get()) == nil)
        #expect((try? check(plate, "津A123456").get()) == nil)
    }
}
