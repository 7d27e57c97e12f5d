import BelayGit
import Foundation

/// `belay rehearse`: proves a playbook can be undone before it runs for real.
///
/// In a scratch copy of the workspace (without `.belay/`), every phase runs forward, then every
/// started step is compensated, newest first — without the final restore a failed run gets, so
/// what the compensations leave behind shows. It passes when the forward run completed, every
/// compensation succeeded, and the tree is exactly the `start` point's tree. The record goes to the
/// real workspace's `.belay/rehearsals/<playbook-sha256>.json`.
///
/// Gates are evaluated but never stop a rehearsal, and approvals are approved automatically
/// (as `belay rehearse`), each with a note in the record.
public struct Rehearsal: Sendable {
    public var saga: Saga
    /// The playbook file (recorded) and its exact content (hashed).
    public var playbookPath: String
    public var content: Data
    /// The real workspace: copied from, and where the record is written.
    public var workspace: URL
    public var observer: (@Sendable (JournalEvent) -> Void)?
    /// Keep the scratch copy (its path is in `Result.scratch`) instead of deleting it.
    public var keepScratch: Bool
    /// The temporary folder that holds the scratch copy, chosen up front so a front end can remove
    /// it on a signal (the rehearsal removes it on every other exit).
    public let scratchRoot: URL
    /// What the rehearsal copies and records, relative to the workspace: the workspace, the
    /// playbook's folder and every folder the commands reach going up (`../bin`).
    public let roots: [String]
    /// The scratch workspace, where the rehearsal's logs are: as deep in the scratch folder as the
    /// farthest root goes up, so `../bin/x.sh` finds its copy.
    public var scratch: URL {
        let ancestors = workspace.pathComponents.dropLast().suffix(ReachedFiles.depth(of: roots))
        let name = workspace.lastPathComponent.isEmpty ? "workspace" : workspace.lastPathComponent
        return (ancestors + [name]).reduce(scratchRoot) { $0.appendingPathComponent($1) }
    }

    public init(
        saga: Saga, playbookPath: String, content: Data, workspace: URL,
        observer: (@Sendable (JournalEvent) -> Void)? = nil, keepScratch: Bool = false
    ) {
        self.saga = saga
        self.playbookPath = playbookPath
        self.content = content
        self.workspace = workspace.standardizedFileURL
        self.observer = observer
        self.keepScratch = keepScratch
        self.roots = ReachedFiles.roots(of: saga, workspace: self.workspace, playbook: playbookPath)
        self.scratchRoot = FileManager.default.temporaryDirectory.appendingPathComponent("belay-rehearsal-\(UUID().uuidString)")
    }

    public struct Result: Sendable {
        public var record: RehearsalRecord
        /// `.belay/rehearsals/<sha256>.json` in the real workspace.
        public var evidence: URL
        public var scratch: URL
    }

    /// - Throws: `EngineError` when the scratch copy, its run or the record cannot be made. A
    ///   rehearsal that runs and fails is not an error: see `Result.record.result`.
    public func run() async throws -> Result {
        let started = JournalClock.now()
        let digest = RehearsalStore.digest(content)
        let root = scratchRoot
        let scratch = self.scratch
        defer { if !keepScratch { try? FileManager.default.removeItem(at: root) } }
        // What the rehearsal proves something about, read before it runs.
        let reached = ReachedFiles.scan(roots: roots, workspace: workspace)
        let skipped = try copyWorkspace(to: scratch)

        let engine = try Engine(workspace: scratch)
        let points = engine.points
        let runID = RunID.make()
        let handler = StandardGateSteps(
            approvals: .autoApprove(by: "rehearsal", note: "approved automatically by the rehearsal"),
            enforcesGates: false)
        let outcome = try await engine.run(
            saga, options: RunOptions(runID: runID, onFailure: .stop, observer: observer, gateHandler: handler))
        var failures: [String] = []
        var forward = "completed"
        switch outcome.result {
        case .completed: break
        case .failed(let failure), .paused(let failure):
            forward = "failed at \(failure.site): \(failure.error)"
            failures.append("the forward run failed at \(failure.site): \(failure.error)")
        case .compensated(let failure):
            let site = failure.map { "\($0.site): \($0.error)" } ?? "a failure"
            forward = "failed at \(site)"
            failures.append("the forward run failed at \(site)")
        case .stuck(_, let stuck):
            forward = "stuck at \(stuck)"
            failures.append("the forward run got stuck at \(stuck)")
        case .pausedOnRequest(let reason):
            forward = "paused: \(reason)"
            failures.append("the forward run was paused: \(reason)")
        case .rolledBack(let target):
            forward = "rolled back to \(target)"
            failures.append("the forward run was rolled back to \(target)")
        }
        let unwound = try await engine.unwindForRehearsal(runID, saga: saga, observer: observer)
        if let stuck = unwound.failed {
            let step = unwound.state.step(stuck)
            failures.append("the compensation of \(stuck) failed: \(step?.compensationError ?? "failed")"
                + (step?.compensationLog.map { " (log \($0))" } ?? ""))
        }

        var startTree: String?
        var endTree: String?
        var changed: [String] = []
        do {
            if let start = try await points.point(run: runID, name: PointName.start) {
                startTree = start.tree
                changed = try await points.diff(run: runID, from: PointName.start, to: nil).map { "\($0.kind.rawValue) \($0.path)" }
                endTree = try await points.record(
                    run: runID, event: "rehearsal_end", phase: PointName.start, point: nil,
                    summary: "the workspace after the rehearsal's unwind")?.tree
            } else {
                failures.append("the run recorded no start point")
            }
        } catch {
            failures.append("cannot compare the workspace with the start point: \(error)")
        }
        if !changed.isEmpty {
            failures.append("after the unwind, \(changed.count) \(changed.count == 1 ? "file differs" : "files differ") from the start: "
                + changed.prefix(10).joined(separator: ", "))
        }

        let captures = unwound.failed == nil ? unwound.state.captures.lastVerification : nil
        for (name, status) in (captures?.results ?? [:]).sorted(by: { $0.key < $1.key }) where status != "verified" {
            failures.append("after the unwind, the capture \(name) " + (status == "differs"
                ? "differs from the start"
                : "was not compared with the start (\(status.dropFirst("not_compared: ".count)))"))
        }
        let captureDiff = captures?.differing.isEmpty == false ? captures?.diff : nil

        let events = (try? engine.stores.journal.read(run: runID).events) ?? []
        var compensated: [String] = []
        var notes: [String] = skipped.map { "not copied into the scratch workspace (not a file, folder or link): \($0)" }
        if let captureDiff { notes.append("the captures after the unwind, against the start:\n" + captureDiff) }
        for event in events {
            let key = "\(event.phase ?? "")/\(event.step ?? "")"
            switch event.event {
            case .compensationSucceeded: compensated.append(key)
            case .compensationSkipped where event.note?.hasPrefix("irreversible") == true:
                notes.append("\(key) is irreversible: it was not compensated")
            case .gateEvaluated: notes.append("gate \(key): \(event.decision?.rawValue ?? "?") (recorded only)")
            case .approvalRecorded: notes.append("approval \(key): \(event.decision?.rawValue ?? "?") by \(event.by ?? "?")")
            default: break
            }
        }
        let record = RehearsalRecord(
            playbook: playbookPath, name: saga.name, playbookSHA256: digest,
            result: failures.isEmpty ? "passed" : "failed", run: runID, startedAt: started,
            finishedAt: JournalClock.now(), startTree: startTree, endTree: endTree, forward: forward,
            compensated: compensated, failures: failures, changedFiles: changed, notes: notes,
            roots: roots, files: reached.digests,
            vars: saga.vars.isEmpty ? nil : saga.vars.merging(
                saga.secretVars.map { ($0, SecretMasker.mask) }) { _, masked in masked },
            captures: captures?.results)
        let rehearsals = RehearsalStore(workspace: workspace)
        let evidence: URL
        do {
            evidence = try rehearsals.save(record)
            let journal = RunFolder(workspace: scratch, runID: runID).journal
            let kept = rehearsals.directory.appendingPathComponent("\(digest).journal.jsonl")
            try? FileManager.default.removeItem(at: kept)
            try? FileManager.default.copyItem(at: journal, to: kept)
        } catch {
            throw EngineError(.workspace, .io(.rehearsalRecord, path: rehearsals.directory.path, reason: error.localizedDescription))
        }
        return Result(record: record, evidence: evidence, scratch: scratch)
    }

    /// Copies every entry of the workspace but `.belay/`; returns the special files left out.
    private func copyWorkspace(to scratch: URL) throws -> [String] {
        do {
            try FileManager.default.createDirectory(at: scratch.deletingLastPathComponent(), withIntermediateDirectories: true)
            var skipped = try ScratchCopy.copy(from: workspace, to: scratch, skipping: [".belay"])
            // Folders beside the workspace that commands reach (`../bin`) go to the same place beside the copy.
            for root in roots where root.hasPrefix("..") {
                let source = workspace.appendingPathComponent(root).standardizedFileURL
                let target = scratch.appendingPathComponent(root).standardizedFileURL
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: source.path, isDirectory: &isFolder) else { continue }
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                if isFolder.boolValue {
                    // An ancestor of the workspace (`..`): everything but the workspace, copied already.
                    let ups = root.split(separator: "/").count
                    let inside = root.split(separator: "/").allSatisfy { $0 == ".." }
                        ? [workspace.pathComponents[workspace.pathComponents.count - ups]] : []
                    skipped += try ScratchCopy.copy(from: source, to: target, skipping: Set([".belay"] + inside))
                } else if !FileManager.default.fileExists(atPath: target.path) {
                    try FileManager.default.copyItem(at: source, to: target)
                }
            }
            return skipped
        } catch {
            throw EngineError(.workspace, .io(.scratchCopy, path: workspace.path, reason: error.localizedDescription))
        }
    }
}

extension Engine {
    /// Compensates every started step of a finished run, newest first, and does NOT restore the
    /// workspace afterwards: a rehearsal checks what the compensations alone leave behind.
    func unwindForRehearsal(
        _ runID: String, saga: Saga, observer: (@Sendable (JournalEvent) -> Void)?
    ) async throws -> (state: RunState, failed: RunState.StepKey?) {
        let folder = RunFolder(workspace: workspace, runID: runID)
        let (lock, state) = try lockAndRead(runID)
        defer { lock.release() }
        let execution = try continuation(
            of: state, saga: saga, order: try order(of: saga), folder: folder,
            options: RunOptions(runID: runID, observer: observer))
        let failed = await execution.unwindForRehearsal()
        // The captures too must be back where they started: the target, not only the files.
        if failed == nil { _ = await execution.verifyCaptures(against: PointName.start) }
        return (execution.currentState, failed)
    }
}
