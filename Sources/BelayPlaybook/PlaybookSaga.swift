import BelayModel

extension Saga {
    /// The saga a validated playbook describes: shell actions, the playbook's vars, env, secrets and
    /// defaults, phases in dependency order. `source` (the file's text) is snapshotted into the run folder.
    public init(playbook: Playbook, source: String? = nil, sourcePath: String? = nil) {
        self.init(
            playbook.name, description: playbook.description,
            vars: Dictionary(playbook.vars.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last }),
            env: Dictionary(playbook.env.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last }),
            secrets: playbook.secrets, shell: playbook.defaults.shell, defaultTimeout: playbook.defaults.timeout,
            defaultRetry: playbook.defaults.retry
        ) {
            for phase in playbook.executionOrder() {
                Phase(
                    id: phase.id, name: phase.name, needs: phase.needs, parallel: phase.parallel,
                    maxParallel: phase.maxParallel, steps: phase.steps.map(Step.init(playbookStep:)))
            }
        }
        self.source = source
        self.sourcePath = sourcePath
        self.environment = playbook.resolution.environment
        self.shownVars = playbook.shownVars
        self.lockName = playbook.lockName
        self.notify = playbook.notify
        self.captures = playbook.captures
        self.secretVars = Set(playbook.secretVariables)
    }
}

extension Step {
    init(playbookStep step: PlaybookStep) {
        let work: StepWork
        switch step.action {
        case .run(let command): work = .shell(command)
        case .gate(let gate): work = .gate(gate)
        case .approval(let approval): work = .approval(approval)
        }
        self.init(
            id: step.id, name: step.name, run: work, compensate: step.compensate.map(StepWork.shell),
            verify: step.verify.map(StepWork.shell), timeout: step.timeout, retry: step.retry,
            critical: step.critical, idempotent: step.idempotent)
        self.cancel = step.cancel.map(StepWork.shell)
        self.checkpointBefore = step.checkpointBefore
    }
}
