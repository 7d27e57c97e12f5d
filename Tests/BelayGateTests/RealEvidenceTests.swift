import Foundation
import Testing
@testable import BelayGate

/// What one real-world evidence file should read as, by an independent count.
struct RealEvidenceCase: Sendable {
    enum Expected: Sendable {
        case ok([String: Double])
        case missing
        case unreadable
    }

    var path: String
    var expected: Expected
    /// Why the file reads this way, where the format leaves room for judgement.
    var why: String?

    init(_ path: String, _ expected: Expected, why: String? = nil) {
        self.path = path
        self.expected = expected
        self.why = why
    }
}

/// The real-world corpus lives next to the project (`../shared/real-evidence`), never inside it.
enum RealEvidence {
    static let folder: String = {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/real-evidence").path
    }()

    static var isPresent: Bool { FileManager.default.fileExists(atPath: folder + "/SOURCES.md") }

    static func read(_ relative: String) -> EvidenceState<EvidenceMetrics> {
        let path = folder + "/" + relative
        switch relative.split(separator: "/").first {
        case "junit": return JUnitReader.read(files: [path]).map(\.metrics)
        case "sarif": return SARIFReader.read(files: [path]).map(\.metrics)
        case "cobertura": return CoberturaReader.read(files: [path]).map(\.metrics)
        default: return LcovReader.read(files: [path]).map(\.metrics)
        }
    }

    /// Each file's disagreements with its expectation; empty when they agree.
    static func disagreements(_ item: RealEvidenceCase) -> [String] {
        let state = read(item.path)
        switch (item.expected, state) {
        case (.missing, .missing), (.unreadable, .unreadable): return []
        case (.ok(let expected), .ok(let metrics)):
            var problems: [String] = []
            for (name, value) in expected.sorted(by: { $0.key < $1.key }) {
                guard let actual = metrics.values[name] else {
                    problems.append("\(name): expected \(value), read nothing")
                    continue
                }
                if abs(actual - value) > 1e-6 { problems.append("\(name): expected \(value), read \(actual)") }
            }
            // Coverage rates must be absent when not measured, not read as some number.
            for name in ["line_rate", "branch_rate"] where expected[name] == nil {
                if let actual = metrics.values[name] { problems.append("\(name): expected none, read \(actual)") }
            }
            return problems
        default: return ["expected \(item.expected), read \(state)"]
        }
    }
}

@Suite("real-world evidence corpus")
struct RealEvidenceTests {
    @Test(
        "every real-world report reads as the independent count says",
        .enabled(if: RealEvidence.isPresent, "the real-world corpus (../shared/real-evidence) is not next to this checkout"))
    func corpusAgrees() throws {
        var agreeing = 0
        for item in realEvidenceExpected {
            let problems = RealEvidence.disagreements(item)
            if problems.isEmpty {
                agreeing += 1
            } else {
                Issue.record("\(item.path): \(problems.joined(separator: "; "))")
            }
        }
        print("real-world corpus: \(agreeing) of \(realEvidenceExpected.count) files agree with the independent count")
    }

    @Test(
        "every file in the corpus has an expectation",
        .enabled(if: RealEvidence.isPresent, "the real-world corpus (../shared/real-evidence) is not next to this checkout"))
    func everyFileIsExpected() throws {
        var onDisk: Set<String> = []
        for kind in ["junit", "sarif", "cobertura", "lcov"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: RealEvidence.folder + "/" + kind) {
                onDisk.insert("\(kind)/\(name)")
            }
        }
        #expect(onDisk == Set(realEvidenceExpected.map(\.path)))
    }

    @Test(
        "an unreadable real file says where",
        .enabled(if: RealEvidence.isPresent, "the real-world corpus (../shared/real-evidence) is not next to this checkout"))
    func unreadableIsLocated() {
        guard case .unreadable(let reason) = RealEvidence.read("cobertura/irongut-MATLAB.xml") else {
            Issue.record("MATLAB's NaN counts must be unreadable")
            return
        }
        #expect(reason.contains("irongut-MATLAB.xml:2:"))
        #expect(reason.contains("NaN"))
    }
}
