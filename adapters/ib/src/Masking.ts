/**
 * Account ids out of every text the adapter passes on (IB's own error and notice texts), with the masking of
 * @spreads/domain's Masking and the accounts this connection knows.
 * @module
 */
import { Masking } from "@spreads/domain"

export const { maskAccountId, maskAccounts } = Masking

/** A masker bound to a changing list of known accounts (the connection's). */
export const masker =
  (known: () => ReadonlyArray<string>) =>
  (text: string): string =>
    maskAccounts(text, known())
