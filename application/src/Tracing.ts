/**
 * Spans for the use cases, recorded only when a tracer is installed. `Effect.fn(name)` builds a span and captures a
 * stack on every call (about 4 µs, more than the rest of a lifecycle's bookkeeping); with Effect's default in-memory
 * tracer nobody collects those spans. {@link traced} skips them until a tracer (an OpenTelemetry layer, say) is
 * provided, then records one span per call under the same name.
 * @module
 */
import { Effect, Tracer } from "effect"

/** Wraps an Effect-returning function so each call runs in a span named `name` when a tracer is installed. */
export const traced =
  (name: string) =>
  <Args extends ReadonlyArray<unknown>, A, E, R>(
    f: (...args: Args) => Effect.Effect<A, E, R>
  ): ((...args: Args) => Effect.Effect<A, E, R>) =>
  (...args) =>
    Effect.withFiber((fiber) =>
      fiber.getRef(Tracer.Tracer) === Tracer.nativeTracer ? f(...args) : Effect.withSpan(f(...args), name)
    )
