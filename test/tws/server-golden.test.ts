/**
 * Golden frames: full server responses recorded byte for byte, at a fixed clock (Monday 2026-11-30 10:00 New York)
 * and a fixed simulator seed. Each frame is written as its fields separated by tabs; the test rebuilds the exact
 * bytes (4-byte big-endian length, fields each ended by NUL) and compares them with what went over the socket.
 * A change here is a change of what clients receive: check it against shared/IB-PROTOCOL.md before updating.
 */
import { afterEach, assert, describe, it } from "@effect/vitest"
import { SimConfig } from "@spreads/sim"
import { EventName } from "@stoqey/ib"
import * as net from "node:net"
import { Frame } from "../../adapters/tws/src/wire/index.ts"
import {
  assertNo505,
  bag,
  connect,
  option,
  order,
  qualify,
  type ServerHandle,
  startServer,
  track,
  until
} from "./server-harness.ts"

/** The server hello: version 193 and the connection time from the Clock. */
const HELLO: ReadonlyArray<string> = ["193	20261130 10:00:00 US/Eastern"]
/** The answer to START_API: MANAGED_ACCTS, NEXT_VALID_ID, the 2104/2106/2158 notices. */
const START_API_ANSWER: ReadonlyArray<string> = [
  "15	1	DU1234567",
  "9	1	1000",
  "4	2	-1	2104	Market data farm connection is OK:usfarm	",
  "4	2	-1	2106	HMDS data farm connection is OK:ushmds	",
  "4	2	-1	2158	Sec-def data farm connection is OK:secdefnj	"
]
/** REQ_CONTRACT_DATA for SPY 2026-12-18 560 C: CONTRACT_DATA, CONTRACT_DATA_END. */
const CONTRACT_DATA_ANSWER: ReadonlyArray<string> = [
  "10	1	SPY	OPT	20261218	20261218	560	C	SMART	USD	SPY   261218C00560000	SPY	SPY	442099209	0.05	100	ACTIVETIM,AD,ADJUST,ALERT,ALLOC,AVGCOST,BASKET,COND,CONDORDER,DAY,DEACT,DEACTDIS,DEACTEOD,GAT,GTC,GTD,GTT,HID,IOC,LIT,LMT,MIT,MKT,MTL,NGCOMB,NONALGO,OCA,OPENCLOSE,PEGMIDVOL,PEGMKTVOL,PEGPRMVOL,PEGSRFVOL,POSTONLY,PRICECHK,REL,RELPCTOFS,RELSTK,SCALE,SCALERST,SIZECHK,SNAPMID,SNAPMKT,SNAPREL,STP,STPLMT,TRAIL,TRAILLIT,TRAILLMT,TRAILMIT,VOLAT,WHATIF	SMART,AMEX,BATS,BOX,CBOE,CBOE2,EDGX,EMERALD,GEMINI,IBUSOPT,ISE,MERCURY,MIAX,NASDAQBX,NASDAQOM,PEARL,PHLX,PSE	1	756733	SPY		202612				US/Eastern	20261130:0930-20261130:1600;20261201:0930-20261201:1600;20261202:0930-20261202:1600;20261203:0930-20261203:1600;20261204:0930-20261204:1600;20261205:CLOSED;20261206:CLOSED	20261130:0930-20261130:1600;20261201:0930-20261201:1600;20261202:0930-20261202:1600;20261203:0930-20261203:1600;20261204:0930-20261204:1600;20261205:CLOSED;20261206:CLOSED		1.7976931348623157E308	0	2	SPY	STK	32,109,109,109,109,109,109,109,32,109,109,109,109,109,109,109,109,32	20261218		1	1	1	0",
  "52	1	1"
]
/** A bull call BUY 2 LMT 50 (marketable): OPEN_ORDER + ORDER_STATUS Submitted, two leg executions, the BAG execution and its commission report, OPEN_ORDER + ORDER_STATUS Filled, the leg commission reports. */
const BULL_CALL_FILL: ReadonlyArray<string> = [
  "5	1000	28812380	SPY	BAG		0	?		SMART	USD	28812380	COMB	BUY	2	LMT	50	1.7976931348623157E308	DAY		DU1234567		0	golden-1	4	1800000001	0	0	0									1.7976931348623157E308		0		-1	0	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	2147483647	0	0	0	2147483647	0	0	0	1.7976931348623157E308	0	0	1.7976931348623157E308	0		1.7976931348623157E308	0	0	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	2147483647	442099209|1,896168576|-1	2	442099209	1	BUY	SMART	0	0		-1	896168576	1	SELL	SMART	0	0		-1	0	0	2147483647	2147483647	1.7976931348623157E308		0			0	0		0	0	Submitted	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308			0	0	0	None	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	0				1.7976931348623157E308	0	0	0	0	2147483647	2147483647	0	2147483647	2147483647	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308		0		0		2147483647",
  "3	1000	Submitted	0	2	0	1800000001	0	0	4		0",
  "11	-1	1000	442099209	SPY	OPT	20261218	560	C	100	CBOE	USD	SPY   261218C00560000	SPY	2059db59.00000001.01.01	20261130 10:00:00 US/Eastern	DU1234567	CBOE	BOT	2	8.2	1800000001	4	0	2	8.2	golden-1		1.7976931348623157E308		2	0",
  "11	-1	1000	896168576	SPY	OPT	20261218	565	C	100	CBOE	USD	SPY   261218C00565000	SPY	2059db59.00000001.02.01	20261130 10:00:00 US/Eastern	DU1234567	CBOE	SLD	2	5.65	1800000001	4	0	2	5.65	golden-1		1.7976931348623157E308		2	0",
  "11	-1	1000	28812380	SPY	BAG		0	?		SMART	USD	28812380	COMB	2059db59.00000001.00.01	20261130 10:00:00 US/Eastern	DU1234567	SMART	BOT	2	2.55	1800000001	4	0	2	2.55	golden-1		1.7976931348623157E308		2	0",
  "59	1	2059db59.00000001.00.01	0	USD	1.7976931348623157E308	1.7976931348623157E308	0",
  "5	1000	28812380	SPY	BAG		0	?		SMART	USD	28812380	COMB	BUY	2	LMT	50	1.7976931348623157E308	DAY		DU1234567		0	golden-1	4	1800000001	0	0	0									1.7976931348623157E308		0		-1	0	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	2147483647	0	0	0	2147483647	0	0	0	1.7976931348623157E308	0	0	1.7976931348623157E308	0		1.7976931348623157E308	0	0	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	2147483647	442099209|1,896168576|-1	2	442099209	1	BUY	SMART	0	0		-1	896168576	1	SELL	SMART	0	0		-1	0	0	2147483647	2147483647	1.7976931348623157E308		0			0	0		0	0	Filled	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308			0	0	0	None	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	0				1.7976931348623157E308	0	0	0	0	2147483647	2147483647	0	2147483647	2147483647	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308		0		0		2147483647",
  "3	1000	Filled	2	0	2.55	1800000001	0	2.55	4		0",
  "59	1	2059db59.00000001.01.01	1.3	USD	1.7976931348623157E308	1.7976931348623157E308	0",
  "59	1	2059db59.00000001.02.01	1.3	USD	1.7976931348623157E308	1.7976931348623157E308	0"
]

/**
 * REQ_COMPLETED_ORDERS after the bull call filled: its COMPLETED_ORDER (no order id or clientId; filledQuantity 2,
 * completedTime, completedStatus "Filled Size: 2"), then COMPLETED_ORDERS_END.
 */
const COMPLETED_ANSWER: ReadonlyArray<string> = [
  "101	28812380	SPY	BAG		0	?		SMART	USD	28812380	COMB	BUY	2	LMT	50	1.7976931348623157E308	DAY		DU1234567		0	golden-1	1800000001	0	0	0								1.7976931348623157E308		0		-1	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	2147483647	0	0	2147483647	0	0	1.7976931348623157E308	0		1.7976931348623157E308	0	0	1.7976931348623157E308	1.7976931348623157E308	442099209|1,896168576|-1	2	442099209	1	BUY	SMART	0	0		-1	896168576	1	SELL	SMART	0	0		-1	0	0	2147483647	2147483647	1.7976931348623157E308				0	0		0	Filled	0	0	0	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308	0	0		2	0	0		0	0	0	20261130 10:00:00 US/Eastern	Filled Size: 2	2147483647	2147483647	1.7976931348623157E308	1.7976931348623157E308	1.7976931348623157E308		0",
  "102"
]

/** The exact bytes of a frame written as tab-separated fields. */
const bytesOf = (tabbed: string): Buffer => {
  const payload = Buffer.from(`${tabbed.split("\t").join("\0")}\0`, "utf8")
  const header = Buffer.alloc(4)
  header.writeUInt32BE(payload.length, 0)
  return Buffer.concat([header, payload])
}

/** Splits a byte stream into raw frames (length prefix included). */
const frames = (stream: Buffer): Array<Buffer> => {
  const out: Array<Buffer> = []
  let at = 0
  while (at + 4 <= stream.length) {
    const n = stream.readUInt32BE(at)
    out.push(stream.subarray(at, at + 4 + n))
    at += 4 + n
  }
  return out
}

/** Compares frames byte for byte, with a field-level diff when they differ. */
const assertFrames = (actual: ReadonlyArray<Buffer>, expected: ReadonlyArray<string>) => {
  const fields = (b: Buffer) => b.subarray(4).toString("utf8").split("\0").slice(0, -1).join("\t")
  assert.deepStrictEqual(actual.map(fields), [...expected])
  expected.forEach((e, i) => assert.isTrue(actual[i]!.equals(bytesOf(e)), `frame ${i} differs in its bytes`))
}

describe("TwsServer golden frames", () => {
  let h: ServerHandle
  const start = async () => {
    h = await startServer({ startAt: SimConfig.DEFAULT_START_TIME, sim: { ackMs: 5, fillMs: 60 } })
  }
  afterEach(async () => {
    await h.close()
  })

  /** A raw client; `received` is everything the server sent. */
  const rawClient = async () => {
    const socket = net.connect(h.port, "127.0.0.1")
    const chunks: Array<Buffer> = []
    socket.on("data", (b: Buffer) => chunks.push(b))
    socket.on("error", () => undefined)
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()))
    const received = () => frames(Buffer.concat(chunks))
    return { socket, received }
  }

  it("handshake: hello, then the answer to START_API", async () => {
    await start()
    const { socket, received } = await rawClient()
    socket.write(Frame.encodeGreeting(100, 193))
    await until(() => received().length === 1)
    assertFrames(received(), HELLO)
    socket.write(Frame.encodeFrame([71, 2, 3, ""]))
    await until(() => received().length === 1 + START_API_ANSWER.length)
    assertFrames(received().slice(1), START_API_ANSWER)
    socket.destroy()
  })

  it("contract details of an option", async () => {
    await start()
    const { socket, received } = await rawClient()
    socket.write(Frame.encodeGreeting(100, 193))
    socket.write(Frame.encodeFrame([71, 2, 3, ""]))
    await until(() => received().length === 6)
    const request = [9, 8, 1, 0, "SPY", "OPT", "20261218", 560, "C", "100", "SMART", "", "USD", "", "", 0, "", "", ""]
    socket.write(Frame.encodeFrame(request))
    await until(() => received().length === 6 + CONTRACT_DATA_ANSWER.length)
    assertFrames(received().slice(6), CONTRACT_DATA_ANSWER)
    socket.destroy()
  })

  it("a bull call placed and filled, then listed as completed, as a real IBApi receives it", async () => {
    await start()
    // A recording proxy between the client and the server keeps the server's bytes.
    const chunks: Array<Buffer> = []
    const proxy = net.createServer((client) => {
      const upstream = net.connect(h.port, "127.0.0.1")
      client.pipe(upstream)
      upstream.on("data", (b: Buffer) => {
        chunks.push(b)
        client.write(b)
      })
      client.on("close", () => upstream.destroy())
      upstream.on("close", () => client.destroy())
      client.on("error", () => undefined)
      upstream.on("error", () => undefined)
    })
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", () => resolve()))
    const c = await connect((proxy.address() as net.AddressInfo).port, 4)
    try {
      const conIds = await qualify(c, [option("SPY", "20261218", 560, "C"), option("SPY", "20261218", 565, "C")])
      const t = track(c)
      chunks.splice(0)
      const id = c.nextValidId()
      c.api.placeOrder(
        id,
        bag("SPY", [
          [conIds[0]!, 1, "BUY"],
          [conIds[1]!, 1, "SELL"]
        ]),
        order("BUY", 2, 50, { orderRef: "golden-1" })
      )
      await t.until(id, "Filled")
      await until(() => frames(Buffer.concat(chunks)).length >= BULL_CALL_FILL.length)
      assertFrames(frames(Buffer.concat(chunks)), BULL_CALL_FILL)
      chunks.splice(0)
      const ends = c.collect(EventName.completedOrdersEnd)
      c.api.reqCompletedOrders(true)
      await until(() => ends.length > 0)
      assertFrames(frames(Buffer.concat(chunks)), COMPLETED_ANSWER)
      assertNo505(c)
    } finally {
      c.close()
      proxy.close()
    }
  })
})
