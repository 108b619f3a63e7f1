/**
 * The parts of a cucumber module the step library uses, typed structurally so users pass their own `@cucumber/cucumber`
 * (one instance, no duplicate-package surprises).
 * @module
 */

/** A step body. */
export type StepBody = (...args: Array<never>) => unknown

/** Given / When / Then as cucumber exports them. */
export interface StepApi {
  readonly Given: (pattern: string | RegExp, code: StepBody) => void
  readonly When: (pattern: string | RegExp, code: StepBody) => void
  readonly Then: (pattern: string | RegExp, code: StepBody) => void
}

/** Throws a readable assertion error when `condition` is false. */
export function assertThat(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message)
}
