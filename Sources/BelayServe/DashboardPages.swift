import Belay
import BelaySupport
import Foundation

/// The dashboard's pages: server-rendered HTML, one small script (`/dashboard.js`), no framework,
/// nothing fetched from elsewhere.
enum DashboardPages {
    static func runs(_ runs: JSONText, workspaces: ServedWorkspaces) -> String {
        var rows = ""
        if case .array(let items) = runs {
            for item in items {
                guard case .object(let fields) = item else { continue }
                func field(_ name: String) -> String {
                    switch fields.first(where: { $0.0 == name })?.1 {
                    case .string(let text): text
                    case .bool(let flag): flag ? "yes" : ""
                    case .object(let inner): Self.atStep(inner)
                    default: ""
                    }
                }
                let run = field("run"), workspace = field("workspace")
                let link = "/runs/\(e(run))?workspace=\(e(workspace.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? workspace))"
                rows += "<tr data-run=\"\(e(run))\"><td><a href=\"\(link)\">\(e(run))</a></td><td>\(e(workspace))</td><td>\(e(field("playbook")))</td><td class=\"status \(e(field("status")))\">\(e(field("status"))) \(e(field("approval")))</td><td>\(e(field("started")))</td><td>\(e(field("started_by")))</td><td>\(field("live") == "yes" ? "running now" : "")</td></tr>"
            }
        }
        let body = """
            <h1>Runs</h1><p>workspaces: \(e(workspaces.names)) · <a href="/openapi.json">API</a></p>
            <table id="runs"><thead><tr><th>run</th><th>workspace</th><th>playbook</th><th>status</th><th>started</th><th>by</th><th></th></tr></thead>
            <tbody>\(rows.isEmpty ? "<tr><td colspan=\"7\">no runs yet</td></tr>" : rows)</tbody></table>
            """
        return page(title: "Belay runs", data: "data-page=\"runs\"", body: body)
    }

    /// `seq`: the last event the page shows, so its event stream starts after it.
    static func run(_ run: String, workspace: ServedWorkspace, live: String, seq: Int) -> String {
        let body = """
            <p><a href="/">← runs</a> · last event: <span id="last-event">–</span></p>
            <div id="live">\(live)</div>
            <section id="rollback" hidden><h2>Roll back to <span id="rollback-to"></span>?</h2>
            <pre id="rollback-plan"></pre><button id="rollback-confirm">Confirm rollback</button> <button id="rollback-cancel">Cancel</button></section>
            """
        return page(title: "Belay run \(run)", data: "data-run=\"\(e(run))\" data-workspace=\"\(e(workspace.name))\" data-seq=\"\(seq)\"", body: body)
    }

    private static func e(_ text: String) -> String { MarkupText.escaped(text) }

    /// "at phase/step" from a run's `approval` object.
    private static func atStep(_ approval: [(String, JSONText)]) -> String {
        guard case .string(let step)? = approval.first(where: { $0.0 == "step" })?.1 else { return "" }
        return "at " + step
    }

    private static func page(title: String, data: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>\(e(title))</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>\(style)</style></head>
        <body \(data)>
        <header><b>Belay</b> <span class="who">you: <input id="approver" placeholder="your name" size="14"></span>
        <span class="who">token: <input id="token" type="password" placeholder="paste the token" size="14"></span></header>
        <p id="message" role="status"></p>
        <main>\(body)</main>
        <script src="/dashboard.js"></script>
        </body></html>
        """
    }

    private static let style = """
        body{font:14px system-ui,sans-serif;margin:0;color:#1d232a}header{background:#1d232a;color:#fff;padding:8px 16px}
        header .who{margin-left:16px;font-size:12px}main{padding:8px 16px}table{border-collapse:collapse;margin:6px 0}
        td,th{border-bottom:1px solid #e1e4e8;padding:3px 8px;text-align:left;vertical-align:top}code{font-size:12px}
        .status{font-weight:600}.completed,.succeeded,.approved,.rolled_back{color:#1a7f37}.failed,.stuck,.rejected{color:#cf222e}
        .running,.compensating,.waiting_approval{color:#9a6700}.paused,.compensated{color:#6e7781}
        #approval{border:2px solid #9a6700;padding:4px 12px;background:#fff8c5}#message{margin:4px 16px;min-height:1em}
        #message.bad{color:#cf222e}svg text{font:11px monospace}rect.bar{fill:#0969da}rect.bar.failed{fill:#cf222e}
        rect.bar.compensation{fill:#8250df}rect.bar.approval{fill:#d4a72c}rect.bar.running{opacity:.6}
        #rollback{border:2px solid #cf222e;padding:4px 12px}pre{background:#f6f8fa;padding:6px;white-space:pre-wrap}
        """
}
