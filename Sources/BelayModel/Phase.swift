/// A group of steps that ends in a rollback point.
public struct Phase: Sendable, Identifiable {
    public var id: String
    public var name: String?
    /// Phases that must complete first; `nil` means the previous phase.
    public var needs: [String]?
    /// Run the steps concurrently, at most `maxParallel` at a time (unbounded when `nil`).
    public var parallel: Bool
    public var maxParallel: Int?
    public var steps: [Step]

    public init(
        _ id: String, name: String? = nil, needs: [String]? = nil, parallel: Bool = false, maxParallel: Int? = nil,
        @ListBuilder<Step> steps: () -> [Step]
    ) {
        self.init(id: id, name: name, needs: needs, parallel: parallel, maxParallel: maxParallel, steps: steps())
    }

    public init(
        id: String, name: String? = nil, needs: [String]? = nil, parallel: Bool = false, maxParallel: Int? = nil,
        steps: [Step]
    ) {
        self.id = id
        self.name = name
        self.needs = needs
        self.parallel = parallel
        self.maxParallel = maxParallel
        self.steps = steps
    }

    public var title: String { name ?? id }
}
