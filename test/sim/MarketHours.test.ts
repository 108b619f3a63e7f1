import { assert, describe, it } from "@effect/vitest"
import { MarketHours } from "@spreads/sim"

const utc = (iso: string) => Date.parse(iso)

describe("MarketHours", () => {
  it.each([
    ["Monday 10:00 New York (winter, EST)", "2026-11-30T15:00:00Z", true],
    ["Monday 09:29 New York", "2026-11-30T14:29:00Z", false],
    ["Monday 09:30 New York: the open", "2026-11-30T14:30:00Z", true],
    ["Monday 15:59 New York", "2026-11-30T20:59:59Z", true],
    ["Monday 16:00 New York: the close", "2026-11-30T21:00:00Z", false],
    ["Tuesday 08:00 New York", "2026-12-01T13:00:00Z", false],
    ["Saturday noon", "2026-12-05T17:00:00Z", false],
    ["Sunday noon", "2026-12-06T17:00:00Z", false],
    ["the epoch (Wednesday 1969-12-31 19:00 New York)", "1970-01-01T00:00:00Z", false],
    ["Monday after DST starts, 09:30 EDT = 13:30Z", "2026-03-09T13:30:00Z", true],
    ["Monday after DST starts, 13:29Z is 09:29 EDT", "2026-03-09T13:29:00Z", false],
    ["Friday before DST starts, 14:29Z is 09:29 EST", "2026-03-06T14:29:00Z", false],
    ["Monday after DST ends, 14:30Z is 09:30 EST", "2026-11-02T14:30:00Z", true],
    ["Monday after DST ends, 13:30Z is 08:30 EST", "2026-11-02T13:30:00Z", false],
    ["July 4th weekday at 10:00 EDT (no holiday calendar)", "2025-07-04T14:00:00Z", true]
  ] as const)("%s (%s)", (_name, iso, open) => {
    assert.strictEqual(MarketHours.isRegularSession(utc(iso)), open)
  })

  it("New York local dates follow the zone, including across midnight UTC", () => {
    assert.strictEqual(MarketHours.nyDate(utc("2026-12-01T03:00:00Z")), "2026-11-30")
    assert.strictEqual(MarketHours.nyDate(utc("2026-12-01T05:00:00Z")), "2026-12-01")
    assert.strictEqual(MarketHours.nyOffset(utc("2026-07-01T12:00:00Z")), -4 * 3_600_000)
    assert.strictEqual(MarketHours.nyOffset(utc("2026-01-01T12:00:00Z")), -5 * 3_600_000)
    assert.strictEqual(MarketHours.dateOfDay(MarketHours.dayOfDate("2028-02-29")), "2028-02-29")
  })

  it("the next open skips the night and the weekend", () => {
    assert.strictEqual(MarketHours.nextOpen(utc("2026-11-30T22:00:00Z")), utc("2026-12-01T14:30:00Z"))
    assert.strictEqual(MarketHours.nextOpen(utc("2026-12-04T22:00:00Z")), utc("2026-12-07T14:30:00Z"))
    assert.strictEqual(MarketHours.nextOpen(utc("2026-12-05T10:00:00Z")), utc("2026-12-07T14:30:00Z"))
    assert.strictEqual(MarketHours.nextOpen(utc("2026-12-01T12:00:00Z")), utc("2026-12-01T14:30:00Z"))
    assert.strictEqual(MarketHours.nextOpen(utc("2026-03-06T22:00:00Z")), utc("2026-03-09T13:30:00Z"))
    assert.strictEqual(MarketHours.nextOpen(0), utc("1970-01-01T14:30:00Z"))
    assert.strictEqual(MarketHours.sessionClose(utc("2026-11-30T15:00:00Z")), utc("2026-11-30T21:00:00Z"))
  })

  it("lists 8 weekly Fridays and the 3 monthly third-Fridays after them", () => {
    const listed = MarketHours.listedExpiries(MarketHours.dayOfDate("2026-11-30")).map(MarketHours.dateOfDay)
    assert.deepStrictEqual(listed, [
      "2026-12-04",
      "2026-12-11",
      "2026-12-18",
      "2026-12-25",
      "2027-01-01",
      "2027-01-08",
      "2027-01-15",
      "2027-01-22",
      "2027-02-19",
      "2027-03-19",
      "2027-04-16"
    ])
    assert.strictEqual(
      MarketHours.listedExpiries(MarketHours.dayOfDate("2026-12-04"))[0],
      MarketHours.dayOfDate("2026-12-04")
    )
    assert.strictEqual(MarketHours.dateOfDay(MarketHours.thirdFriday(2026, 12)), "2026-12-18")
  })
})
