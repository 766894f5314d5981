import Foundation

/// Inline SVG charts for the dashboard: no script, no external asset, each
/// with a title and a text alternative for screen readers.
enum SVGChart {
    struct Series {
        var name: String
        var color: String
        var values: [Double]
    }

    /// Stacked columns, one per label (days), the series stacked bottom-up.
    static func stackedColumns(title: String, labels: [String], series: [Series], width: Int = 720, height: Int = 220) -> String {
        let plotTop = 10.0, plotBottom = Double(height) - 40, plotLeft = 56.0, plotRight = Double(width) - 10
        let totals = labels.indices.map { i in series.reduce(0) { $0 + ($1.values.indices.contains(i) ? $1.values[i] : 0) } }
        let maximum = max(1, totals.max() ?? 1)
        let slot = (plotRight - plotLeft) / Double(max(1, labels.count))
        let barWidth = max(2, slot * 0.7)
        var svg = "<svg role=\"img\" aria-labelledby=\"chart-title\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" class=\"chart\">"
        svg += "<title id=\"chart-title\">\(HTML.escape(title))</title>"
        for step in 0...4 {
            let y = plotBottom - (plotBottom - plotTop) * Double(step) / 4
            svg += "<line x1=\"\(plotLeft)\" x2=\"\(plotRight)\" y1=\"\(y)\" y2=\"\(y)\" class=\"grid\"/>"
            svg += "<text x=\"\(plotLeft - 6)\" y=\"\(y + 4)\" text-anchor=\"end\" class=\"axis\">\(Format.count(Int(maximum * Double(step) / 4)))</text>"
        }
        for (i, label) in labels.enumerated() {
            let x = plotLeft + slot * Double(i) + (slot - barWidth) / 2
            var y = plotBottom
            for s in series {
                let value = s.values.indices.contains(i) ? s.values[i] : 0
                let h = (plotBottom - plotTop) * value / maximum
                guard h > 0 else { continue }
                y -= h
                svg += "<rect x=\"\(fixed(x))\" y=\"\(fixed(y))\" width=\"\(fixed(barWidth))\" height=\"\(fixed(h))\" fill=\"\(s.color)\"><title>\(HTML.escape(label)): \(HTML.escape(s.name)) \(Format.count(Int(value)))</title></rect>"
            }
            if labels.count <= 16 || i % max(1, labels.count / 8) == 0 {
                svg += "<text x=\"\(fixed(x + barWidth / 2))\" y=\"\(plotBottom + 16)\" text-anchor=\"middle\" class=\"axis\">\(HTML.escape(String(label.suffix(5))))</text>"
            }
        }
        var legendX = plotLeft
        for s in series {
            svg += "<rect x=\"\(legendX)\" y=\"\(plotBottom + 24)\" width=\"10\" height=\"10\" fill=\"\(s.color)\"/>"
            svg += "<text x=\"\(legendX + 14)\" y=\"\(plotBottom + 33)\" class=\"axis\">\(HTML.escape(s.name))</text>"
            legendX += 24 + Double(s.name.count) * 7
        }
        return svg + "</svg>"
    }

    /// A horizontal share bar (0...1) with its value as text alternative.
    static func shareBar(_ share: Double, label: String) -> String {
        let width = max(0, min(1, share)) * 120
        return "<svg role=\"img\" aria-label=\"\(HTML.escape(label))\" viewBox=\"0 0 120 10\" width=\"120\" height=\"10\" class=\"bar\">"
            + "<rect width=\"120\" height=\"10\" class=\"bar-bg\"/><rect width=\"\(fixed(width))\" height=\"10\" class=\"bar-fg\"/></svg>"
    }

    private static func fixed(_ v: Double) -> String { String(Double(Int(v * 10)) / 10) }
}

/// HTML escaping: every value from telemetry (principal names, reasons) goes through it.
enum HTML {
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A path segment, percent-encoded (principals are emails, service names, ...).
    static func pathSegment(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~@"))) ?? s
    }
}
