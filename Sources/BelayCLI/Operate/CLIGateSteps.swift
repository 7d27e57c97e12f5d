import Belay
import Foundation

/// How `run` and `resume` answer approvals: ask at a terminal (stdin is a TTY), else end the run
/// `waiting_approval` for `belay approve`.
enum CLIGateSteps {
    static var handler: StandardGateSteps {
        StandardGateSteps(approvals: isatty(0) == 1 ? .ask(TerminalApprovalPrompt()) : .wait)
    }
}
