import Testing
@testable import BelayGit

@Test func linksLibgit2() {
    let parts = Libgit2.version.split(separator: ".")
    #expect(parts.count == 3)
    #expect(Int(parts[0]) ?? 0 >= 1)
}
