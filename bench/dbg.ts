import { InMemoryJournal, OrderBook, placeSpreadOrder } from "@spreads/application"
import { Contract, Price, Strategy, Values } from "@spreads/domain"
import { SimBroker } from "@spreads/sim"
import { Effect, Layer, ManagedRuntime, Result } from "effect"
const spread = Result.getOrThrow(
  Strategy.makeSpread({
    strategy: "BULL_CALL",
    underlying: Values.make.underlying("AAPL"),
    expiry: Contract.expiry("2026-12-18"),
    strikes: [Price.dec("210"), Price.dec("215")]
  })
)
const extra = JSON.parse(process.argv[2] ?? "{}")
const sim = SimBroker.layer({ ackMs: 0, fillMs: 0, cancelMs: 0, modifyMs: 0, ...extra })
const rt = ManagedRuntime.make(OrderBook.layer.pipe(Layer.provideMerge(Layer.merge(sim, InMemoryJournal.layer))))
const out = await rt.runPromise(
  Effect.gen(function* () {
    const v = yield* placeSpreadOrder({ spread, action: "BUY", quantity: 1, orderType: "MARKET" }).pipe(
      Effect.timeout(1000),
      Effect.option
    )
    const book = yield* OrderBook.OrderBook
    return { v: v._tag === "Some" ? v.value.status : "timeout", list: (yield* book.list).map((o) => o.status) }
  })
)
console.log(JSON.stringify(extra), out)
await rt.dispose()
