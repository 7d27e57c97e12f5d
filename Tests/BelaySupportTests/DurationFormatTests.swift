import Testing
@testable import BelaySupport

@Test(arguments: [
    ("500ms", Int64(500)), ("30s", 30_000), ("5m", 300_000), ("2h", 7_200_000), ("1m30s", 90_000),
    ("1.5s", 1_500),
])
func parsesDurations(text: String, milliseconds: Int64) throws {
    let duration = try #require(DurationFormat.parse(text))
    #expect(DurationFormat.milliseconds(duration) == milliseconds)
}

@Test(arguments: ["", "10", "5 minutes", "m", "1x", "-3s"])
func rejectsDurationsWithoutAUnit(text: String) {
    #expect(DurationFormat.parse(text) == nil)
}

@Test func formatsDurationsForPeople() {
    #expect(DurationFormat.format(milliseconds: 12) == "12ms")
    #expect(DurationFormat.format(milliseconds: 1_440) == "1.4s")
    #expect(DurationFormat.format(milliseconds: 125_000) == "2m05s")
    #expect(DurationFormat.format(milliseconds: 3_720_000) == "1h02m")
}
