import Testing
@testable import Belay

@Test func versionIsSemantic() {
    #expect(BelayVersion.current.split(separator: ".").count == 3)
}
