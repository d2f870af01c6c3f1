import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import HaiheCore
import ZIPFoundation

/// Excel workbooks (.xlsx, Office Open XML): one sheet turned into CSV text, which then takes the same path as any
/// CSV upload. Shared strings, inline strings, numbers, booleans and dates (cells whose number format is a date
/// format become `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS` with a time) are read; formulas give their cached value.
enum Spreadsheet {
    /// Writes the sheet (the first one, or the one named `sheet`) as CSV to `csvPath`.
    static func convert(_ path: String, sheet: String?, to csvPath: String) throws {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw HaiheError.invalid("data.xlsx", zh: "文件不是有效的Excel工作簿（.xlsx）", en: "The file is not a valid Excel workbook (.xlsx)")
        }
        func data(_ name: String) throws -> Data? {
            guard let entry = archive[name] else { return nil }
            // A small file that inflates to gigabytes (a zip bomb) is refused before it is inflated.
            guard entry.uncompressedSize <= 512 << 20 else {
                throw HaiheError.invalid("data.xlsx_too_large", zh: "Excel工作表超过512MB（解压后），请改用CSV", en: "The workbook's sheet exceeds 512 MB uncompressed; use CSV instead")
            }
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            return data
        }
        guard let workbook = try data("xl/workbook.xml"), let relations = try data("xl/_rels/workbook.xml.rels") else {
            throw HaiheError.invalid("data.xlsx", zh: "Excel工作簿缺少工作表目录", en: "The workbook has no sheet list")
        }
        let sheets = XMLElements.read(workbook, element: "sheet")
        let targets = Dictionary(XMLElements.read(relations, element: "Relationship").compactMap { r in r["Id"].map { ($0, r["Target"] ?? "") } },
                                 uniquingKeysWith: { a, _ in a })
        let chosen = sheet.map { name in sheets.first { $0["name"] == name } } ?? sheets.first
        guard let chosen, let relation = chosen["r:id"], var target = targets[relation] else {
            let names = sheets.compactMap { $0["name"] }.joined(separator: "、")
            throw HaiheError.invalid("data.xlsx_sheet", zh: "工作簿中没有名为“\(sheet ?? "")”的工作表（现有：\(names)）",
                                     en: "The workbook has no sheet named '\(sheet ?? "")' (it has: \(names))")
        }
        target = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        guard let sheetData = try data(target) else {
            throw HaiheError.invalid("data.xlsx", zh: "工作表内容缺失", en: "The sheet's content is missing")
        }
        let shared = try data("xl/sharedStrings.xml").map(SharedStrings.read) ?? []
        let dateStyles = try data("xl/styles.xml").map(DateStyles.read) ?? []
        let reader = SheetReader(shared: shared, dateStyles: dateStyles)
        let parser = XMLParser(data: sheetData)
        parser.delegate = reader
        guard parser.parse(), !reader.tooWide else {
            throw HaiheError.invalid("data.xlsx", zh: reader.tooWide ? "工作表列数超过Excel上限（16384列）" : "工作表XML无法解析",
                                     en: reader.tooWide ? "The sheet has cells beyond Excel's last column (16,384)" : "The sheet's XML cannot be read")
        }
        var text = ""
        // Excel leaves out empty cells at the end of a row; every row is as wide as the header.
        let width = reader.rows.first?.count ?? 0
        for var row in reader.rows {
            while row.count < width { row.append("") }
            text += CSVField.line(row) + "\n"
        }
        try text.write(toFile: csvPath, atomically: false, encoding: .utf8)
    }

    /// Excel's day count (1900 system, with its fictitious 29 February 1900) as an ISO date or date-time.
    static func date(fromSerial serial: Double) -> String {
        let seconds = ((serial - 25_569) * 86_400).rounded()
        let date = Date(timeIntervalSince1970: seconds)
        let text = Timestamp.format(date)  // YYYY-MM-DDTHH:MM:SS.mmmZ
        return serial == serial.rounded(.down) ? String(text.prefix(10)) : String(text.prefix(19))
    }
}

/// Runs Foundation's streaming XML parser over `data` with `delegate` collecting what it needs; returns the delegate.
private func parseXML<Delegate: NSObject & XMLParserDelegate>(_ data: Data, with delegate: Delegate) -> Delegate {
    let parser = XMLParser(data: data)
    parser.delegate = delegate
    parser.parse()
    return delegate
}

/// Attributes of every element with a given name (workbook sheets, relationships).
private final class XMLElements: NSObject, XMLParserDelegate {
    let element: String
    var found: [[String: String]] = []

    init(element: String) { self.element = element }

    static func read(_ data: Data, element: String) -> [[String: String]] {
        parseXML(data, with: XMLElements(element: element)).found
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == element { found.append(attributes) }
    }
}

/// The workbook's shared string table: `<si>` items, plain (`<t>`) or rich text (runs of `<r><t>`).
private final class SharedStrings: NSObject, XMLParserDelegate {
    var strings: [String] = []
    var current: String?
    var inText = false

    static func read(_ data: Data) -> [String] {
        parseXML(data, with: SharedStrings()).strings
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == "si" { current = "" }
        if name == "t" { inText = true }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inText { current? += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "t" { inText = false }
        if name == "si" { strings.append(current ?? ""); current = nil }
    }
}

/// Which cell styles (`cellXfs` positions) show numbers as dates: the built-in date formats 14–22 and 45–47, and custom
/// formats with day, month or year codes.
private final class DateStyles: NSObject, XMLParserDelegate {
    var customDateFormats = Set<String>()
    var styles: [Bool] = []
    var inCellFormats = false

    static func read(_ data: Data) -> [Bool] {
        parseXML(data, with: DateStyles()).styles
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch name {
        case "numFmt":
            // Quoted text and colours aside, a format with y, d or m (not inside [..]) shows a date.
            let code = (attributes["formatCode"] ?? "").lowercased().replacingOccurrences(of: #"\[[^\]]*\]|"[^"]*""#, with: "", options: .regularExpression)
            if code.contains("y") || code.contains("d") || code.contains("m"), let id = attributes["numFmtId"] { customDateFormats.insert(id) }
        case "cellXfs": inCellFormats = true
        case "xf" where inCellFormats:
            let id = attributes["numFmtId"] ?? "0"
            let builtIn = Int(id).map { (14...22).contains($0) || (45...47).contains($0) } ?? false
            styles.append(builtIn || customDateFormats.contains(id))
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "cellXfs" { inCellFormats = false }
    }
}

/// The rows of one sheet, each cell placed in its column (cells may skip columns: `r="C5"`).
private final class SheetReader: NSObject, XMLParserDelegate {
    let shared: [String]
    let dateStyles: [Bool]
    var rows: [[String]] = []
    var row: [String] = []
    var column = 0
    var type = "n"
    var style = 0
    var value = ""
    var inValue = false
    var tooWide = false

    init(shared: [String], dateStyles: [Bool]) {
        self.shared = shared
        self.dateStyles = dateStyles
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch name {
        case "row": row = []; column = 0
        case "c":
            type = attributes["t"] ?? "n"
            style = Int(attributes["s"] ?? "0") ?? 0
            value = ""
            if let reference = attributes["r"] {
                column = Self.columnIndex(reference)
                // Excel's last column is XFD (16,384); a reference beyond it is not a real sheet.
                if column >= 16_384 { parser.abortParsing(); tooWide = true }
            }
        case "v", "t": inValue = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inValue { value += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "v", "t": inValue = false
        case "c":
            var text = value
            switch type {
            case "s": text = Int(value).flatMap { (0..<shared.count).contains($0) ? shared[$0] : nil } ?? ""
            case "b": text = value == "1" ? "true" : "false"
            case "n":
                if (0..<dateStyles.count).contains(style), dateStyles[style], let serial = Double(value), (0...2_958_465).contains(serial) {
                    text = Spreadsheet.date(fromSerial: serial)
                }
                // Whole numbers stored as 12.0 read back as 12.
                else if let number = Double(value), number == number.rounded(), abs(number) < 1e15, value.contains(".") || value.contains("E") { text = String(Int64(number)) }
            default: break  // inlineStr, str (formula text), e (error): the text as given
            }
            while row.count < column { row.append("") }
            if row.count == column { row.append(text) } else { row[column] = text }
            column += 1
        case "row":
            // Rows with nothing in them are skipped, as blank CSV lines are.
            if row.contains(where: { !$0.isEmpty }) { rows.append(row) }
        default: break
        }
    }

    /// "C5" → 2, "AA10" → 26.
    static func columnIndex(_ reference: String) -> Int {
        var index = 0
        for scalar in reference.unicodeScalars {
            guard scalar.value >= 65, scalar.value <= 90, index <= 1_000_000 else { break }
            index = index * 26 + Int(scalar.value - 64)
        }
        return max(index - 1, 0)
    }
}
