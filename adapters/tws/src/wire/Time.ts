/**
 * TWS time stamps: "YYYYMMDD HH:MM:SS US/Eastern", as in the server hello and in executions.
 * @module
 */

const eastern = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/New_York",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23"
})

/** Formats epoch milliseconds as New York wall time, "20261125 10:15:20 US/Eastern". */
export const formatTwsTime = (epochMillis: number): string => {
  const parts: Record<string, string> = {}
  for (const p of eastern.formatToParts(epochMillis)) parts[p.type] = p.value
  const at = (k: string): string => parts[k] ?? "00"
  return `${at("year")}${at("month")}${at("day")} ${at("hour")}:${at("minute")}:${at("second")} US/Eastern`
}
