/// The forms a gate report can take.
public enum ReportFormat: String, Sendable, CaseIterable {
    /// For a terminal: the decision first, then a table and the reasons.
    case text
    /// The §6 contract: `{"decision", "criteria": [{"id","status","key","value","threshold","message"}], "evidence"}`.
    case json
    /// For a CI job summary.
    case markdown
    /// One testcase per criterion, so CI test tabs show the gate.
    case junit
}

extension GateReport {
    public func render(_ format: ReportFormat) -> String {
        switch format {
        case .text: TextReport.render(self)
        case .json: JSONReport.render(self)
        case .markdown: MarkdownReport.render(self)
        case .junit: JUnitReport.render(self)
        }
    }
}
