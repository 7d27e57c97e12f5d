import BelaySupport

/// The gate as JUnit XML: one testcase per criterion (failure for a failed criterion or a key
/// criterion without evidence, skipped for a waived one), plus one for the decision itself so a
/// BLOCK from too many warnings also turns CI red.
enum JUnitReport {
    static func render(_ report: GateReport) -> String {
        var cases: [String] = []
        var failures = 0
        var skipped = 0
        for result in report.criteria {
            let name = escape(result.id)
            let message = escape(result.message)
            var body = ""
            if result.status == .fail || (result.status == .missing && result.key) {
                failures += 1
                body = "<failure message=\"\(message)\" type=\"\(result.status.rawValue)\"/>"
            } else if result.status == .waived {
                skipped += 1
                body = "<skipped message=\"\(message)\"/>"
            } else if result.status != .pass {
                body = "<system-out>\(result.status.rawValue): \(message)</system-out>"
            }
            let classname = "gate.\(escape(report.gate))"
            cases.append(body.isEmpty
                ? "    <testcase classname=\"\(classname)\" name=\"\(name)\"/>"
                : "    <testcase classname=\"\(classname)\" name=\"\(name)\">\(body)</testcase>")
        }
        let decisionFailed = report.decision == .block
        if decisionFailed { failures += 1 }
        let decisionMessage = escape(report.reasons.first ?? report.decision.rawValue)
        cases.append(decisionFailed
            ? "    <testcase classname=\"gate.\(escape(report.gate))\" name=\"decision\"><failure message=\"BLOCK: \(decisionMessage)\" type=\"decision\"/></testcase>"
            : "    <testcase classname=\"gate.\(escape(report.gate))\" name=\"decision\"><system-out>\(report.decision.rawValue): \(decisionMessage)</system-out></testcase>")
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="belay gate" tests="\(cases.count)" failures="\(failures)" skipped="\(skipped)">
              <testsuite name="gate \(escape(report.gate))" tests="\(cases.count)" failures="\(failures)" errors="0" skipped="\(skipped)">
            \(cases.joined(separator: "\n"))
              </testsuite>
            </testsuites>

            """
    }

    static func escape(_ text: String) -> String { MarkupText.escaped(text) }
}
