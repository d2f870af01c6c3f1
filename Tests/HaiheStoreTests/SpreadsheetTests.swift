import Foundation
import HaiheCore
import HaiheStore
import HaiheTestSupport
import Testing
import ZIPFoundation

/// Writes a minimal workbook the way Excel lays it out: workbook, relationships, shared strings, styles, sheets.
func writeWorkbook(_ path: String, sheets: [(name: String, xml: String)], shared: [String], dateStyle: Bool = true) throws {
    let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
    func add(_ name: String, _ text: String) throws {
        let data = Data(text.utf8)
        try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }
    }
    let sheetList = sheets.enumerated().map { #"<sheet name="\#($1.name)" sheetId="\#($0 + 1)" r:id="rId\#($0 + 1)"/>"# }.joined()
    try add("xl/workbook.xml", #"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>\#(sheetList)</sheets></workbook>"#)
    let relations = sheets.indices.map { #"<Relationship Id="rId\#($0 + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet\#($0 + 1).xml"/>"# }.joined()
    try add("xl/_rels/workbook.xml.rels", #"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\#(relations)</Relationships>"#)
    let items = shared.map { "<si><t>\($0)</t></si>" }.joined()
    try add("xl/sharedStrings.xml", #"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="\#(shared.count)">\#(items)</sst>"#)
    try add("xl/styles.xml", #"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="\#(dateStyle ? 14 : 0)"/><xf numFmtId="176"/></cellXfs></styleSheet>"#)
    for (index, sheet) in sheets.enumerated() {
        try add("xl/worksheets/sheet\(index + 1).xml", #"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>\#(sheet.xml)</sheetData></worksheet>"#)
    }
}

@Suite("Excel workbooks")
struct SpreadsheetTests {
    @Test("an .xlsx sheet loads like CSV: shared and inline strings, numbers, dates by style, skipped cells, a named sheet")
    func loadWorkbook() async throws {
        try await TestDatabase.withStore { (store: Store, directory: String) async throws in
            let entry = try await TestData.publishedEnterpriseEntry(store)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let path = directory + "/registry.xlsx"
            let shared = ["credit_code", "企业名称", "capital", "founded_on", "status", "天津甲有限公司", "存续", "注销"]
            let rows = """
                <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c></row>
                <row r="2"><c r="A2" t="inlineStr"><is><t>\(TestData.creditCode(1))</t></is></c><c r="B2" t="s"><v>5</v></c><c r="C2"><v>100.5</v></c><c r="D2" s="1"><v>43831</v></c><c r="E2" t="s"><v>6</v></c></row>
                <row r="3"><c r="A3" t="str"><v>\(TestData.creditCode(2))</v></c><c r="B3" t="inlineStr"><is><t>天津乙有限公司</t></is></c><c r="D3" s="2"><v>44000</v></c><c r="E3" t="s"><v>7</v></c></row>
                <row r="5"><c r="A5" t="inlineStr"><is><t>bad</t></is></c><c r="B5" t="inlineStr"><is><t>坏</t></is></c></row>
                """
            try writeWorkbook(path, sheets: [("说明", "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>readme</t></is></c></row>"), ("企业", rows)], shared: shared)
            let (version, report) = try await store.datasets.load(entry.entryID, from: try .file(path, sheet: "企业"), audit: .test)
            #expect(version.status == .published && report.rowsAccepted == 2 && report.rowsRejected == 1)
            let data = try await store.datasets.rows(entryID: entry.entryID)
            #expect(data.rows[0] == [.text(TestData.creditCode(1)), .text("天津甲有限公司"), .real(100.5), .text("2020-01-01"), .text("存续")])
            #expect(data.rows[1][2] == .null && data.rows[1][3] == .text("2020-06-18") && data.rows[1][4] == .text("注销"))

            // The first sheet is the default; an unknown sheet and a file that is no workbook are clear errors.
            await #expect(throws: HaiheError.self) { try await store.datasets.load(entry.entryID, from: try .file(path), audit: .test) }
            do {
                _ = try BatchSource.file(path, sheet: "不存在")
                Issue.record("an unknown sheet was accepted")
            } catch let error as HaiheError {
                #expect(error.code == "data.xlsx_sheet" && error.messageZH.contains("企业"))
            }
            try "not a zip".write(toFile: directory + "/fake.xlsx", atomically: true, encoding: .utf8)
            #expect(throws: HaiheError.self) { try BatchSource.file(directory + "/fake.xlsx") }
        }
    }

    @Test("hostile workbooks are refused, not crashes: a negative shared-string index, a style out of range, a column past XFD")
    func hostileWorkbooks() async throws {
        try await TestDatabase.withStore { (store: Store, directory: String) async throws in
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let header = #"<row r="1"><c r="A1" t="inlineStr"><is><t>credit_code</t></is></c><c r="B1" t="inlineStr"><is><t>name</t></is></c></row>"#
            let odd = directory + "/odd.xlsx"
            try writeWorkbook(odd, sheets: [("s", header + #"<row r="2"><c r="A2" t="s"><v>-1</v></c><c r="B2" s="-7"><v>nan</v></c><c r="C2" s="99"><v>1</v></c></row>"#)], shared: [])
            let converted = try BatchSource.file(odd)
            #expect(converted.format == .csv)
            let wide = directory + "/wide.xlsx"
            try writeWorkbook(wide, sheets: [("s", header + #"<row r="2"><c r="AAAAAAAAAAAAAAAAAAAA2"><v>1</v></c></row>"#)], shared: [])
            do {
                _ = try BatchSource.file(wide)
                Issue.record("a column past XFD was accepted")
            } catch let error as HaiheError {
                #expect(error.code == "data.xlsx")
            }
        }
    }
}
