/**
 * Account ids out of every text that goes into a log or an error: IB's own error and notice texts ("Order rejected -
 * reason: account DU1234567 lacks trading permissions") reach the IB adapter's logs, rejections and BrokerError
 * messages, and the TWS simulator's logs, and an account id must never appear there in full.
 *
 * A masked id keeps its two-letter prefix and last two characters (`DU1234567` -> `DU*****67`): enough to tell
 * accounts apart in a log, not enough to name one. Masked are the accounts the adapter knows (config, MANAGED_ACCTS)
 * wherever they appear, and any token shaped like an IB account id (DU/DF/U/F/I plus five or more digits), known or
 * not.
 * @module
 */

/** A token shaped like an IB account id: paper DU/DF, live U, advisor F, institutional I, with 5+ digits. */
const ACCOUNT_LIKE = /\b(?:DU|DF|U|F|I)\d{5,}\b/g

/** One account id masked: its prefix letters and last two characters stay, everything between becomes `*`. */
export const maskAccountId = (id: string): string => {
  if (id.length <= 4) return "*".repeat(id.length)
  const prefix = /^[A-Za-z]*/.exec(id)?.[0].slice(0, 2) ?? ""
  const keep = Math.min(2, id.length - prefix.length - 1)
  return `${prefix}${"*".repeat(id.length - prefix.length - keep)}${id.slice(id.length - keep)}`
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/**
 * `text` with every account id masked (see the module doc). `known` are account ids to mask wherever they appear,
 * whatever their shape. Cheap when there is nothing to mask: texts without digits come back as they are.
 */
export const maskAccounts = (text: string, known: ReadonlyArray<string> = []): string => {
  let out = text
  for (const id of known) {
    if (id.length >= 3 && out.includes(id)) out = out.replace(new RegExp(escape(id), "g"), maskAccountId(id))
  }
  if (!/\d{5}/.test(out)) return out
  return out.replace(ACCOUNT_LIKE, maskAccountId)
}
