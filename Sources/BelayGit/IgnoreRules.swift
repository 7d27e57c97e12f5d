/// The rules of `<workspace>/.belayignore`, in gitignore syntax: `#` comments, `!` negation, a trailing
/// `/` for directories only, a leading or inner `/` anchoring to the workspace, `*`, `?`, `[...]` and `**`.
/// Only the workspace's top-level `.belayignore` is read; `.gitignore` files do not affect checkpoints.
struct IgnoreRules: Sendable {
    private struct Rule: Sendable {
        var pattern: [UInt8]     // NUL-terminated
        var negated: Bool
        var directoryOnly: Bool
        var matchesBasename: Bool
    }

    private var rules: [Rule] = []

    var isEmpty: Bool { rules.isEmpty }

    init(_ text: String) {
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" }) {
            var line = Array(rawLine.utf8)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            // Trailing spaces are dropped unless escaped with a backslash.
            while line.last == UInt8(ascii: " "), !(line.count >= 2 && line[line.count - 2] == UInt8(ascii: "\\")) {
                line.removeLast()
            }
            guard let first = line.first, first != UInt8(ascii: "#") else { continue }
            var rule = Rule(pattern: [], negated: false, directoryOnly: false, matchesBasename: false)
            if first == UInt8(ascii: "!") {
                rule.negated = true
                line.removeFirst()
            } else if first == UInt8(ascii: "\\"), line.count > 1,
                line[1] == UInt8(ascii: "#") || line[1] == UInt8(ascii: "!")
            {
                line.removeFirst()
            }
            if line.last == UInt8(ascii: "/") {
                rule.directoryOnly = true
                line.removeLast()
            }
            guard !line.isEmpty else { continue }
            if line.contains(UInt8(ascii: "/")) {
                if line.first == UInt8(ascii: "/") { line.removeFirst() }
            } else {
                rule.matchesBasename = true
            }
            guard !line.isEmpty else { continue }
            rule.pattern = line + [0]
            rules.append(rule)
        }
    }

    /// Whether `path` (relative to the workspace, `/`-separated) is ignored. The caller prunes ignored
    /// directories, so, as in git, a file inside an ignored directory cannot be re-included.
    func isIgnored(_ path: String, isDirectory: Bool) -> Bool {
        guard !rules.isEmpty else { return false }
        let full = Array(path.utf8) + [0]
        let baseStart = (full.lastIndex(of: UInt8(ascii: "/")) ?? -1) + 1
        let base = Array(full[baseStart...])
        for rule in rules.reversed() {
            if rule.directoryOnly && !isDirectory { continue }
            let subject = rule.matchesBasename ? base : full
            if WildMatch.matches(pattern: rule.pattern, text: subject) { return !rule.negated }
        }
        return false
    }
}

/// git's `wildmatch` with WM_PATHNAME: `*` and `?` stop at `/`, `**` between slashes spans directories.
enum WildMatch {
    private enum Outcome { case match, noMatch, abortAll, abortToStarStar }

    /// Both arrays must be NUL-terminated.
    static func matches(pattern: [UInt8], text: [UInt8]) -> Bool {
        pattern.withUnsafeBufferPointer { p in
            text.withUnsafeBufferPointer { t in match(p, 0, t, 0) == .match }
        }
    }

    private static let slash = UInt8(ascii: "/")

    private static func isGlobSpecial(_ c: UInt8) -> Bool {
        c == UInt8(ascii: "*") || c == UInt8(ascii: "?") || c == UInt8(ascii: "[") || c == UInt8(ascii: "\\")
    }

    private static func match(
        _ p: UnsafeBufferPointer<UInt8>, _ startP: Int, _ t: UnsafeBufferPointer<UInt8>, _ startT: Int
    ) -> Outcome {
        var pi = startP
        var ti = startT
        while p[pi] != 0 {
            var pc = p[pi]
            var tc = t[ti]
            if tc == 0 && pc != UInt8(ascii: "*") { return .abortAll }
            switch pc {
            case UInt8(ascii: "?"):
                if tc == slash { return .noMatch }
            case UInt8(ascii: "*"):
                let matchSlash: Bool
                pi += 1
                if p[pi] == UInt8(ascii: "*") {
                    let before = pi - 2
                    while p[pi] == UInt8(ascii: "*") { pi += 1 }
                    if (before < 0 || p[before] == slash) && (p[pi] == 0 || p[pi] == slash) {
                        if p[pi] == slash && match(p, pi + 1, t, ti) == .match { return .match }
                        matchSlash = true
                    } else {
                        matchSlash = false
                    }
                } else {
                    matchSlash = false
                }
                if p[pi] == 0 {
                    if !matchSlash {
                        var k = ti
                        while t[k] != 0 {
                            if t[k] == slash { return .noMatch }
                            k += 1
                        }
                    }
                    return .match
                } else if !matchSlash && p[pi] == slash {
                    var k = ti
                    while t[k] != 0 && t[k] != slash { k += 1 }
                    if t[k] == 0 { return .noMatch }
                    ti = k
                    // the slash itself is consumed at the bottom of the loop
                    break
                }
                while true {
                    if tc == 0 { break }
                    if !isGlobSpecial(p[pi]) {
                        let literal = p[pi]
                        while true {
                            tc = t[ti]
                            if tc == 0 || (!matchSlash && tc == slash) || tc == literal { break }
                            ti += 1
                        }
                        if tc != literal { return .noMatch }
                    }
                    let outcome = match(p, pi, t, ti)
                    if outcome != .noMatch {
                        if !matchSlash || outcome != .abortToStarStar { return outcome }
                    } else if !matchSlash && tc == slash {
                        return .abortToStarStar
                    }
                    ti += 1
                    tc = t[ti]
                }
                return .abortAll
            case UInt8(ascii: "["):
                pi += 1
                pc = p[pi]
                if pc == UInt8(ascii: "^") { pc = UInt8(ascii: "!") }
                let negated = pc == UInt8(ascii: "!")
                if negated {
                    pi += 1
                    pc = p[pi]
                }
                var previous: UInt8 = 0
                var matched = false
                repeat {
                    if pc == 0 { return .abortAll }
                    if pc == UInt8(ascii: "\\") {
                        pi += 1
                        pc = p[pi]
                        if pc == 0 { return .abortAll }
                        if tc == pc { matched = true }
                    } else if pc == UInt8(ascii: "-") && previous != 0 && p[pi + 1] != 0
                        && p[pi + 1] != UInt8(ascii: "]")
                    {
                        pi += 1
                        pc = p[pi]
                        if pc == UInt8(ascii: "\\") {
                            pi += 1
                            pc = p[pi]
                            if pc == 0 { return .abortAll }
                        }
                        if tc <= pc && tc >= previous { matched = true }
                        pc = 0
                    } else if tc == pc {
                        matched = true
                    }
                    previous = pc
                    pi += 1
                    pc = p[pi]
                } while pc != UInt8(ascii: "]")
                if matched == negated || tc == slash { return .noMatch }
            case UInt8(ascii: "\\"):
                pi += 1
                pc = p[pi]
                if tc != pc { return .noMatch }
            default:
                if tc != pc { return .noMatch }
            }
            pi += 1
            ti += 1
        }
        return t[ti] != 0 ? .noMatch : .match
    }
}
