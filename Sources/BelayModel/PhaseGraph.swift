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

    /// Kahn's algorithm, always taking the ready phase that comes first in the file: a min-heap of
    /// ready indexes and, per phase, the phases that need it, so a playbook of any size orders in
    /// O((phases + needs) log phases).
    public func order() -> [Int] {
        let count = dependencies.count
        var waitingOn = dependencies.map(\.count)
        var dependents = [[Int]](repeating: [], count: count)
        for (phase, needs) in dependencies.enumerated() {
            for need in needs { dependents[need].append(phase) }
        }
        var ready = IndexHeap()
        for phase in 0..<count where waitingOn[phase] == 0 { ready.push(phase) }
        var done = [Bool](repeating: false, count: count)
        var result: [Int] = []
        result.reserveCapacity(count)
        while let next = ready.pop() {
            done[next] = true
            result.append(next)
            for dependent in dependents[next] {
                waitingOn[dependent] -= 1
                if waitingOn[dependent] == 0 { ready.push(dependent) }
            }
        }
        // A cycle: append what is left in file order rather than lose phases.
        if result.count < count { result += (0..<count).filter { !done[$0] } }
        return result
    }

    /// Every distinct dependency cycle, each as phase indexes starting at its earliest phase in the file
    /// and following `needs` (so `[a, b]` reads "a needs b, b needs a"). A depth-first walk with its
    /// own stack, so a chain of 100,000 phases does not exhaust the thread's.
    public func cycles() -> [[Int]] {
        var found: [[Int]] = []
        var seen = Set<[Int]>()
        var state = [UInt8](repeating: 0, count: dependencies.count)  // 0 new, 1 on stack, 2 done
        var positionOnStack = [Int](repeating: -1, count: dependencies.count)
        var stack: [Int] = []
        // Each frame: a phase on the stack and how many of its needs were followed.
        var frames: [(node: Int, next: Int)] = []

        for root in dependencies.indices where state[root] == 0 {
            state[root] = 1
            positionOnStack[root] = stack.count
            stack.append(root)
            frames.append((root, 0))
            while let frame = frames.last {
                let needs = dependencies[frame.node]
                guard frame.next < needs.count else {
                    frames.removeLast()
                    stack.removeLast()
                    positionOnStack[frame.node] = -1
                    state[frame.node] = 2
                    continue
                }
                frames[frames.count - 1].next += 1
                let next = needs[frame.next]
                if state[next] == 1 {
                    let cycle = Array(stack[positionOnStack[next]...])
                    let first = cycle.indices.min { cycle[$0] < cycle[$1] }!
                    let rotated = Array(cycle[first...] + cycle[..<first])
                    if seen.insert(rotated).inserted { found.append(rotated) }
                } else if state[next] == 0 {
                    state[next] = 1
                    positionOnStack[next] = stack.count
                    stack.append(next)
                    frames.append((next, 0))
                }
            }
        }
        return found
    }
}

/// A binary min-heap of phase indexes: the ready phase that comes first in the file.
private struct IndexHeap {
    private var items: [Int] = []

    mutating func push(_ value: Int) {
        items.append(value)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Int? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        guard !items.isEmpty else { return top }
        items[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < items.count && items[left] < items[smallest] { smallest = left }
            if right < items.count && items[right] < items[smallest] { smallest = right }
            guard smallest != parent else { return top }
            items.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
