import BelaySupport

/// The JSON report described in docs/gate.md: exactly `decision`, `criteria` and `evidence` at the top, and
/// `id`, `status`, `key`, `value`, `threshold`, `message` for each criterion.
///
/// `value` is a number (a rehearsal's is `true`/`false`) or `null` when evidence is missing;
/// `threshold` is an object holding the limits that apply (`max`, `min`, `warn_above`,
/// `warn_below`, or `rehearsal: "succeeded"`).
enum JSONReport {
    static func render(_ report: GateReport) -> String {
        JSONText.object([
            ("decision", .string(report.decision.rawValue)),
            ("criteria", .array(report.criteria.map(criterion))),
            ("evidence", evidence(report)),
        ]).rendered(pretty: true) + "\n"
    }

    private static func criterion(_ result: CriterionResult) -> JSONText {
        let value: JSONText
        switch result.value {
        case .number(let number): value = .number(number)
        case .succeeded(let ok): value = .bool(ok)
        case nil: value = .null
        }
        var threshold: [(String, JSONText)] = []
        if result.isRehearsal { threshold.append(("rehearsal", .string("succeeded"))) }
        let t = result.thresholds
        if let max = t.max { threshold.append(("max", .number(max))) }
        if let min = t.min { threshold.append(("min", .number(min))) }
        if let warn = t.warnAbove { threshold.append(("warn_above", .number(warn))) }
        if let warn = t.warnBelow { threshold.append(("warn_below", .number(warn))) }
        return .object([
            ("id", .string(result.id)),
            ("status", .string(result.status.rawValue)),
            ("key", .bool(result.key)),
            ("value", value),
            ("threshold", .object(threshold)),
            ("message", .string(result.message)),
        ])
    }

    private static func evidence(_ report: GateReport) -> JSONText {
        var fields: [(String, JSONText)] = report.evidence.map { source in
            var entry: [(String, JSONText)] = [
                ("kind", .string(source.kind.rawValue)),
                ("files", .array(source.files.map(JSONText.string))),
            ]
            switch source.state {
            case .ok(let metrics):
                entry.insert(("status", .string("ok")), at: 1)
                entry.append(("metrics", .object(metrics.values.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) })))
                if !metrics.notes.isEmpty { entry.append(("notes", .array(metrics.notes.map(JSONText.string)))) }
            case .missing(let reason):
                entry.insert(("status", .string("missing")), at: 1)
                entry.append(("reason", .string(reason)))
            case .unreadable(let reason):
                entry.insert(("status", .string("unreadable")), at: 1)
                entry.append(("reason", .string(reason)))
            }
            return (source.name, .object(entry))
        }
        if report.criteria.contains(where: \.isRehearsal), !fields.contains(where: { $0.0 == "rehearsal" }) {
            if let rehearsal = report.rehearsal {
                var entry: [(String, JSONText)] = [
                    ("kind", .string("rehearsal")), ("status", .string("ok")), ("succeeded", .bool(rehearsal.succeeded)),
                ]
                if let run = rehearsal.runID { entry.append(("run", .string(run))) }
                if let detail = rehearsal.detail { entry.append(("detail", .string(detail))) }
                if let captures = rehearsal.captures { entry.append(("captures", .array(captures.map(JSONText.string)))) }
                fields.append(("rehearsal", .object(entry)))
            } else {
                fields.append(("rehearsal", .object([("kind", .string("rehearsal")), ("status", .string("missing"))])))
            }
        }
        return .object(fields)
    }
}
