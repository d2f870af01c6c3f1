import Foundation

/// Charts drawn on the server as SVG: no script, readable by screen readers (a title and a description), printable,
/// and a few kilobytes each.
enum Charts {
    /// Horizontal bars, one per category, longest first as given: distributions of categories or histogram buckets.
    static func bars(title: String, items: [(label: String, value: Int)], width: Int = 640) -> HTML {
        guard !items.isEmpty else { return "" }
        let rowHeight = 26
        let labelWidth = 170
        let height = items.count * rowHeight + 10
        let maximum = max(items.map(\.value).max() ?? 1, 1)
        let barSpace = Double(width - labelWidth - 70)
        var shapes = ""
        for (index, item) in items.enumerated() {
            let y = 5 + index * rowHeight
            let length = max(1, Int(barSpace * Double(item.value) / Double(maximum)))
            shapes += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 17)\" text-anchor=\"end\">\(HTML.escape(String(item.label.prefix(18))))</text>"
            shapes += "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(length)\" height=\"\(rowHeight - 8)\" rx=\"2\" fill=\"#0b6e99\"></rect>"
            shapes += "<text x=\"\(labelWidth + length + 6)\" y=\"\(y + 17)\">\(item.value)</text>"
        }
        return frame(title: title, width: width, height: height, description: items.map { "\($0.label): \($0.value)" }.joined(separator: "; "), shapes: shapes)
    }

    /// Vertical columns along a time axis (rows per month), with the first and last labels under the axis.
    static func columns(title: String, items: [(label: String, value: Int)], width: Int = 640) -> HTML {
        guard !items.isEmpty else { return "" }
        let height = 220
        let bottom = height - 30
        let maximum = max(items.map(\.value).max() ?? 1, 1)
        let step = Double(width - 60) / Double(items.count)
        var shapes = "<line x1=\"40\" y1=\"\(bottom)\" x2=\"\(width - 10)\" y2=\"\(bottom)\" stroke=\"#57606a\"></line>"
        shapes += "<text x=\"36\" y=\"20\" text-anchor=\"end\">\(maximum)</text><text x=\"36\" y=\"\(bottom)\" text-anchor=\"end\">0</text>"
        for (index, item) in items.enumerated() {
            let barHeight = max(1, Int(Double(bottom - 15) * Double(item.value) / Double(maximum)))
            let x = 45 + Double(index) * step
            shapes += "<rect x=\"\(String(format: "%.1f", x))\" y=\"\(bottom - barHeight)\" width=\"\(String(format: "%.1f", max(step - 2, 1)))\" height=\"\(barHeight)\" fill=\"#1a7f37\"><title>\(HTML.escape(item.label)): \(item.value)</title></rect>"
        }
        shapes += "<text x=\"45\" y=\"\(bottom + 18)\">\(HTML.escape(items.first!.label))</text>"
        shapes += "<text x=\"\(width - 10)\" y=\"\(bottom + 18)\" text-anchor=\"end\">\(HTML.escape(items.last!.label))</text>"
        return frame(title: title, width: width, height: height,
                     description: "\(items.first!.label) – \(items.last!.label), max \(maximum)", shapes: shapes)
    }

    static func frame(title: String, width: Int, height: Int, description: String, shapes: String) -> HTML {
        let id = "c" + String(UInt32(truncatingIfNeeded: title.hashValue), radix: 36)
        return HTML(raw: """
        <figure class="chart"><svg viewBox="0 0 \(width) \(height)" width="100%" role="img" aria-labelledby="\(id)t \(id)d" font-size="13" fill="#1b1f24">\
        <title id="\(id)t">\(HTML.escape(title))</title><desc id="\(id)d">\(HTML.escape(String(description.prefix(600))))</desc>\(shapes)</svg>\
        <figcaption>\(HTML.escape(title))</figcaption></figure>
        """)
    }
}
