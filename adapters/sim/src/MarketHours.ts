/**
 * New York calendar and the regular US equity-options session (09:30-16:00 America/New_York, Monday to Friday; no
 * holiday calendar). Local time comes from effect's DateTime with the "America/New_York" zone: the zone's offset is
 * asked once per UTC hour and cached, which is exact since US daylight-saving switches fall on whole UTC hours.
 * All functions are pure in the epoch milliseconds they are given; nothing here reads a clock.
 * @module
 */
import { Contract } from "@spreads/domain"
import { DateTime } from "effect"

const ZONE = DateTime.zoneMakeNamedUnsafe("America/New_York")
const MINUTE = 60_000
const HOUR = 3_600_000
const DAY = 86_400_000

/** Session open and close, in minutes after local midnight. */
export const OPEN_MINUTE = 9 * 60 + 30
/** @see {@link OPEN_MINUTE} */
export const CLOSE_MINUTE = 16 * 60

const offsets = new Map<number, number>()

/** New York's offset from UTC at `ms`, in milliseconds (-5 h in winter, -4 h in summer). */
export const nyOffset = (ms: number): number => {
  const hour = Math.floor(ms / HOUR)
  let offset = offsets.get(hour)
  if (offset === undefined) {
    if (offsets.size > 200_000) offsets.clear()
    offset = DateTime.zonedOffset(DateTime.makeZonedUnsafe(hour * HOUR, { timeZone: ZONE }))
    offsets.set(hour, offset)
  }
  return offset
}

/** Local New York time of an instant: the local date as an epoch day, its weekday (0 = Sunday) and minute of day. */
export interface NyTime {
  readonly day: number
  readonly weekday: number
  readonly minute: number
}

/** Weekday of an epoch day, 0 = Sunday (1970-01-01 was a Thursday). */
export const weekdayOf = (day: number): number => (((day + 4) % 7) + 7) % 7

/** The New York local date and time of `ms`. */
export const nyTime = (ms: number): NyTime => {
  const local = ms + nyOffset(ms)
  const day = Math.floor(local / DAY)
  return { day, weekday: weekdayOf(day), minute: Math.floor((local - day * DAY) / MINUTE) }
}

/** `YYYY-MM-DD` of an epoch day. */
export const dateOfDay = (day: number): string => Contract.dateOfEpochDay(day)

/** The epoch day of a `YYYY-MM-DD` date. */
export const dayOfDate = (date: string): number => Contract.epochDay(date)

/** New York's local date (`YYYY-MM-DD`) at `ms`: "today" for expiry checks. */
export const nyDate = (ms: number): string => dateOfDay(nyTime(ms).day)

/** The instant of a New York wall-clock time: local `minute` of epoch day `day`. Exact outside the 02:00 DST gap. */
export const nyInstant = (day: number, minute: number): number => {
  const local = day * DAY + minute * MINUTE
  const guess = local - nyOffset(local + 5 * HOUR)
  return local - nyOffset(guess)
}

/** True during the regular session: a weekday, 09:30 <= local time < 16:00. */
export const isRegularSession = (ms: number): boolean => {
  const t = nyTime(ms)
  return t.weekday >= 1 && t.weekday <= 5 && t.minute >= OPEN_MINUTE && t.minute < CLOSE_MINUTE
}

/** The next session open at or after `ms` (`ms` itself when it is exactly an open). */
export const nextOpen = (ms: number): number => {
  const t = nyTime(ms)
  let day = t.minute <= OPEN_MINUTE ? t.day : t.day + 1
  while (weekdayOf(day) === 0 || weekdayOf(day) === 6) day++
  const open = nyInstant(day, OPEN_MINUTE)
  return open >= ms ? open : nextOpen(ms + DAY / 2)
}

/** The close (16:00 New York) of the trading day that contains `ms`. */
export const sessionClose = (ms: number): number => nyInstant(nyTime(ms).day, CLOSE_MINUTE)

/** `2026-12-01 09:30:00 US/Eastern`: how IB's 399 warning names the time an order will be released. */
export const formatOpen = (ms: number): string => `${nyDate(ms)} 09:30:00 US/Eastern`

const closes = new Map<number, number>()

/** Last-trading instant of an expiry: 16:00 New York on the expiry date. */
export const expiryClose = (expiryDay: number): number => {
  let close = closes.get(expiryDay)
  if (close === undefined) {
    close = nyInstant(expiryDay, CLOSE_MINUTE)
    closes.set(expiryDay, close)
  }
  return close
}

const listings = new Map<number, ReadonlyArray<number>>()

/**
 * Listed expiries (epoch days) on local day `today`: the Fridays of the next 8 weeks (today included when it is a
 * Friday) plus the 3 monthly third-Fridays that follow the last weekly.
 */
export const listedExpiries = (today: number): ReadonlyArray<number> => {
  const cached = listings.get(today)
  if (cached !== undefined) return cached
  const firstFriday = today + ((5 - weekdayOf(today) + 7) % 7)
  const days: Array<number> = []
  for (let w = 0; w < 8; w++) days.push(firstFriday + 7 * w)
  const lastWeekly = days[days.length - 1]!
  const [y0, m0] = dateOfDay(lastWeekly).split("-").map(Number) as [number, number]
  for (let i = 0, monthly = 0; monthly < 3; i++) {
    const third = thirdFriday(y0 + Math.floor((m0 - 1 + i) / 12), ((m0 - 1 + i) % 12) + 1)
    if (third > lastWeekly) {
      days.push(third)
      monthly++
    }
  }
  if (listings.size > 10_000) listings.clear()
  listings.set(today, days)
  return days
}

/** Epoch day of the third Friday of `month` (1-12) in `year`. */
export const thirdFriday = (year: number, month: number): number => {
  const first = dayOfDate(`${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-01`)
  return first + ((5 - weekdayOf(first) + 7) % 7) + 14
}
