import Testing
@testable import BelayGit

@Suite struct IgnoreRulesTests {
    @Test(arguments: [
        ("*.log", "a.log", false, true),
        ("*.log", "dir/a.log", false, true),
        ("*.log", "a.logx", false, false),
        ("/top.txt", "top.txt", false, true),
        ("/top.txt", "sub/top.txt", false, false),
        ("build/", "build", true, true),
        ("build/", "build", false, false),
        ("doc/*.txt", "doc/a.txt", false, true),
        ("doc/*.txt", "doc/x/a.txt", false, false),
        ("doc/**/*.txt", "doc/x/y/a.txt", false, true),
        ("doc/**/*.txt", "doc/a.txt", false, true),
        ("**/cache", "a/b/cache", true, true),
        ("**/cache", "cache", true, true),
        ("out/**", "out/a/b", false, true),
        ("file?.c", "file1.c", false, true),
        ("file?.c", "file10.c", false, false),
        ("[a-c]x", "bx", false, true),
        ("[!a-c]x", "bx", false, false),
        ("\\#hash", "#hash", false, true),
    ])
    func matchesLikeGitignore(pattern: String, path: String, isDirectory: Bool, ignored: Bool) {
        #expect(IgnoreRules(pattern).isIgnored(path, isDirectory: isDirectory) == ignored)
    }

    @Test func laterRulesWinAndNegationReincludes() {
        let rules = IgnoreRules("# comment\n\n*.log\n!keep.log\n")
        #expect(rules.isIgnored("x.log", isDirectory: false))
        #expect(!rules.isIgnored("keep.log", isDirectory: false))
        #expect(!rules.isIgnored("# comment", isDirectory: false))
    }
}
