/// The `needs` relation between phases, by index in file order: one ordering for playbooks and for
/// sagas written in Swift.
public struct PhaseGraph: Sendable {
    /// `dependencies[i]`: indexes of the phases phase `i` needs (unknown names are left out).
    public let dependencies: [[Int]]

    /// `needs[i]` of `nil` means "the previous phase"; `[]` means nothing.
    public init(ids: [String], needs: [[String]?]) {
        var index: [String: Int] = [:]
        for (i, id) in ids.enumerated() where index[id] == nil { index[id] = i }
        dependencies = needs.enumerated().map { i, needs in
            guard let needs else { return i > 0 ? [i - 1] : [] }
            var seen = Set<Int>()
            return needs.compactMap { index[$0] }.filter { seen.insert($0).inserted }
        }
    }

    /// Kahn's algorithm, always taking the ready phase that comes first in the file.
    public func order() -> [Int] {
        let count = dependencies.count
        var remaining = dependencies.map { Set($0) }
        var done = [Bool](repeating: false, count: count)
        var result: [Int] = []
        while result.count < count {
            guard let next = (0..<count).first(where: { !done[$0] && remaining[$0].isEmpty }) else {
                // A cycle: append what is left in file order rather than lose phases.
                result += (0..<count).filter { !done[$0] }
                break
            }
            done[next] = true
            result.append(next)
            for i in 0..<count { remaining[i].remove(next) }
        }
        return result
    }

    /// Every distinct dependency cycle, each as phase indexes starting at its earliest phase in the file
    /// and following `needs` (so `[a, b]` reads "a needs b, b needs a").
    public func cycles() -> [[Int]] {
        var found: [[Int]] = []
        var seen = Set<[Int]>()
        var state = [UInt8](repeating: 0, count: dependencies.count)  // 0 new, 1 on stack, 2 done
        var stack: [Int] = []

        func visit(_ node: Int) {
            state[node] = 1
            stack.append(node)
            for next in dependencies[node] {
                if state[next] == 1, let start = stack.firstIndex(of: next) {
                    let cycle = Array(stack[start...])
                    let first = cycle.indices.min { cycle[$0] < cycle[$1] }!
                    let rotated = Array(cycle[first...] + cycle[..<first])
                    if seen.insert(rotated).inserted { found.append(rotated) }
                } else if state[next] == 0 {
                    visit(next)
                }
            }
            stack.removeLast()
            state[node] = 2
        }
        for node in dependencies.indices where state[node] == 0 { visit(node) }
        return found
    }
}
