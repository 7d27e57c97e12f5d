extension RunState {
    /// A shell action whose process was spawned and whose end the journal does not hold yet.
    public struct OpenProcess: Sendable, Hashable {
        public var step: StepKey
        public var action: StepContext.Action
        public var attempt: Int
        public var identity: ProcessGroupIdentity
        /// When it was spawned (UTC, ISO 8601, as journaled).
        public var startedTime: String
        /// Its attempt log, relative to the workspace.
        public var log: String?
        /// The machine it runs on (nil in journals written before it was recorded: this one).
        public var machine: String?

        /// Whether this Belay process can see the group: it runs on this machine.
        public var isHere: Bool { machine == nil || machine == MachineIdentity.current }
    }

    mutating func applyProcessEvent(_ event: JournalEvent) {
        switch event.event {
        case .processStarted:
            guard let key = key(event), let group = event.processGroup else { return }
            openProcesses.append(OpenProcess(
                step: key, action: event.action ?? .run, attempt: event.attempt ?? 1,
                identity: ProcessGroupIdentity(group: group, startTime: event.processStart),
                startedTime: event.time, log: event.log, machine: event.machine))
        case .orphanEnded, .orphanElsewhere:
            openProcesses.removeAll { $0.identity.group == event.processGroup }
        default:
            break
        }
    }

    mutating func closeProcess(of key: StepKey, action: StepContext.Action?, attempt: Int?) {
        openProcesses.removeAll { $0.step == key && $0.action == (action ?? .run) && $0.attempt == (attempt ?? 1) }
    }
}
