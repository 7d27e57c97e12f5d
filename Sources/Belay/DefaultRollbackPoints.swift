import Foundation

/// The rollback points an `Engine` uses when none are given.
enum DefaultRollbackPoints {
    static func make(workspace: URL) throws -> any RollbackPoints {
        NoRollbackPoints()
    }
}
