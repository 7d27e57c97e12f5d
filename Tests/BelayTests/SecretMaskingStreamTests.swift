import Testing
@testable import Belay

/// The streaming masker against a plain reference: whatever the pieces the output arrives in, every
/// byte of every secret is covered, and a run of overlapping or touching occurrences is one `***`.
@Suite struct SecretMaskingStreamTests {
    /// Marks every byte of every occurrence, then writes each maximal covered run as `***`.
    static func reference(_ text: [UInt8], secrets: [[UInt8]]) -> [UInt8] {
        var covered = Array(repeating: false, count: text.count)
        for secret in secrets where !secret.isEmpty && secret.count <= text.count {
            for start in 0...(text.count - secret.count) where Array(text[start..<(start + secret.count)]) == secret {
                for index in start..<(start + secret.count) { covered[index] = true }
            }
        }
        var out: [UInt8] = []
        for (index, byte) in text.enumerated() {
            if !covered[index] { out.append(byte) } else if index == 0 || !covered[index - 1] { out += Array("***".utf8) }
        }
        return out
    }

    static func masked(_ text: [UInt8], secrets: [String], pieces: Int, seed: inout UInt64) -> [UInt8] {
        var stream = SecretMasker(values: secrets).stream()!
        var out: [UInt8] = []
        var offset = 0
        while offset < text.count {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let size = min(text.count - offset, 1 + Int(seed >> 33) % max(1, text.count / pieces))
            out += text[offset..<(offset + size)].withUnsafeBytes { stream.feed($0) }
            offset += size
        }
        return out + stream.finish()
    }

    @Test func matchesTheReferenceWhateverThePieces() {
        var seed: UInt64 = 42
        let alphabet = Array("abcs\n".utf8)
        let secrets = ["abc", "bca", "cc", "abcabc", "sss", "s\nab"]
        for _ in 0..<300 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let length = Int(seed >> 40) % 200
            var text: [UInt8] = []
            for _ in 0..<length {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                text.append(alphabet[Int(seed >> 33) % alphabet.count])
            }
            let expected = Self.reference(text, secrets: secrets.map { Array($0.utf8) })
            for pieces in [1, 3, 17] {
                #expect(Self.masked(text, secrets: secrets, pieces: pieces, seed: &seed) == expected,
                        "\(String(decoding: text, as: UTF8.self))")
            }
        }
    }

    @Test func aSecretSplitAcrossReadsIsMasked() {
        var stream = SecretMasker(values: ["hunter2"]).stream()!
        var out = Array("pw=hun".utf8).withUnsafeBytes { stream.feed($0) }
        out += Array("ter2 end".utf8).withUnsafeBytes { stream.feed($0) }
        out += stream.finish()
        #expect(String(decoding: out, as: UTF8.self) == "pw=*** end")
    }

    @Test func aLongRunOfSecretsHoldsBackOnlyASecretsLength() {
        var stream = SecretMasker(values: ["tok"]).stream()!
        var written = 0
        for _ in 0..<1000 { written += Array("toktoktok".utf8).withUnsafeBytes { stream.feed($0) }.count }
        written += stream.finish().count
        #expect(written == 3)
    }
}
