import { describe, expect, it } from "vitest";
import type { Broker } from "./broker.js";
import { type MakeNodes, nodesForTest, sleep, waitFor } from "./conformance-support.js";

interface Received {
  payload: Buffer;
  from: string;
}

/** Subscribes and records copies of what arrives (payloads are only valid during the call). */
async function record(broker: Broker, topic: string) {
  const got: Received[] = [];
  const unsubscribe = await broker.subscribe(topic, (payload, from) => {
    got.push({ payload: Buffer.from(payload), from });
  });
  return { got, unsubscribe, texts: () => got.map((r) => r.payload.toString("utf8")) };
}

const utf8 = (s: string) => Buffer.from(s, "utf8");

/**
 * The {@link Broker} contract, run against every implementation. `makeNodes(n)` returns n brokers
 * acting as separate nodes of one deployment.
 */
export function describeBrokerConformance(name: string, makeNodes: MakeNodes<Broker>): void {
  describe(`Broker conformance: ${name}`, () => {
    it("delivers bytes exactly, with the publisher's node id, to another node", async () => {
      const [a, b] = await nodesForTest(makeNodes, 2);
      expect(a!.nodeId).not.toBe(b!.nodeId);
      const rec = await record(b!, "bytes");
      const every = Buffer.alloc(256);
      for (let i = 0; i < 256; i++) every[i] = i;
      await a!.publish("bytes", every);
      await a!.publish("bytes", new Uint8Array(0));
      await a!.publish("bytes", utf8(JSON.stringify({ type: "speaker.started", user: "ü" })));
      await waitFor("three messages", () => rec.got.length === 3);
      expect(rec.got[0]!.payload.equals(every)).toBe(true);
      expect(rec.got[1]!.payload.length).toBe(0);
      expect(JSON.parse(rec.got[2]!.payload.toString("utf8"))).toEqual({
        type: "speaker.started",
        user: "ü",
      });
      for (const r of rec.got) {
        expect(Buffer.isBuffer(r.payload)).toBe(true);
        expect(r.from).toBe(a!.nodeId);
      }
    });

    it("copies the payload at publish: the publisher may reuse its buffer", async () => {
      const [a, b] = await nodesForTest(makeNodes, 2);
      const rec = await record(b!, "reuse");
      const buf = Buffer.from("first");
      await a!.publish("reuse", buf);
      buf.write("xxxxx");
      await waitFor("the message", () => rec.got.length === 1);
      expect(rec.texts()).toEqual(["first"]);
    });

    it("never delivers a node's own publications to itself", async () => {
      const [a, b] = await nodesForTest(makeNodes, 2);
      const own = await record(a!, "echo");
      const other = await record(b!, "echo");
      await a!.publish("echo", utf8("from-a"));
      await waitFor("b to receive a's message", () => other.got.length === 1);
      // b's reply is published after a's message reached the transport, so a receives it after any
      // echo of its own message would have arrived.
      await b!.publish("echo", utf8("from-b"));
      await waitFor("a to receive b's message", () => own.got.length >= 1);
      expect(own.texts()).toEqual(["from-b"]);
      expect(own.got[0]!.from).toBe(b!.nodeId);
      expect(other.texts()).toEqual(["from-a"]);
    });

    it("keeps one publisher's order on a topic", async () => {
      const [a, b] = await nodesForTest(makeNodes, 2);
      const rec = await record(b!, "order");
      const count = 2_000;
      const sent: Promise<void>[] = [];
      for (let i = 0; i < count; i++) {
        const frame = Buffer.alloc(8);
        frame.writeUInt32BE(i, 0);
        sent.push(a!.publish("order", frame)); // not awaited one by one, like the audio path
      }
      await Promise.all(sent);
      await waitFor(`${count} messages`, () => rec.got.length === count, { timeoutMs: 10_000 });
      const seqs = rec.got.map((r) => r.payload.readUInt32BE(0));
      expect(seqs).toEqual(Array.from({ length: count }, (_, i) => i));
    });

    it("keeps one publisher's order across JSON and binary payloads on one topic", async () => {
      const [a, b] = await nodesForTest(makeNodes, 2);
      const rec = await record(b!, "channel:1");
      void a!.publish("channel:1", utf8('{"type":"speaker.started"}'));
      for (let i = 0; i < 20; i++) void a!.publish("channel:1", Buffer.from([1, 0, 0, 0, 0, 7, 0, i, 0xfc]));
      void a!.publish("channel:1", utf8('{"type":"speaker.stopped"}'));
      await waitFor("22 messages", () => rec.got.length === 22);
      expect(rec.texts()[0]).toBe('{"type":"speaker.started"}');
      expect(rec.got.slice(1, 21).map((r) => r.payload[7])).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(rec.texts()[21]).toBe('{"type":"speaker.stopped"}');
    });

    it("fans out to every subscribed node and only to the subscribed topic", async () => {
      const [a, b, c] = await nodesForTest(makeNodes, 3);
      const onB = await record(b!, "fan");
      const onC = await record(c!, "fan");
      const otherTopic = await record(c!, "fan-other");
      await a!.publish("fan", utf8("hello"));
      await waitFor("both nodes", () => onB.got.length === 1 && onC.got.length === 1);
      await a!.publish("fan-other", utf8("marker"));
      await waitFor("the marker", () => otherTopic.got.length === 1);
      expect(onB.texts()).toEqual(["hello"]);
      expect(onC.texts()).toEqual(["hello"]);
      expect(otherTopic.texts()).toEqual(["marker"]);
    });

    it("is subscribed when subscribe resolves", async () => {
      const [a, b] = await nodesForTest(makeNodes, 2);
      for (let i = 0; i < 20; i++) {
        const rec = await record(b!, `fresh-${i}`);
        await a!.publish(`fresh-${i}`, utf8(String(i)));
        await waitFor(`message on fresh-${i}`, () => rec.got.length === 1);
      }
    });

    it("shares a subscription between local handlers and removes each one on its own", async () => {
      const [a, b] = await nodesForTest(makeNodes, 2);
      const first = await record(b!, "shared");
      const second = await record(b!, "shared");
      const marker = await record(b!, "marker");
      await a!.publish("shared", utf8("one"));
      await waitFor("both handlers", () => first.got.length === 1 && second.got.length === 1);

      await first.unsubscribe();
      await first.unsubscribe(); // a second call is harmless
      await a!.publish("shared", utf8("two"));
      await waitFor("the remaining handler", () => second.got.length === 2);
      expect(first.texts()).toEqual(["one"]);

      await second.unsubscribe();
      await a!.publish("shared", utf8("three"));
      await a!.publish("marker", utf8("after")); // same publisher: arrives after "three" would have
      await waitFor("the marker", () => marker.got.length === 1);
      expect(second.texts()).toEqual(["one", "two"]);

      const again = await record(b!, "shared");
      await a!.publish("shared", utf8("four"));
      await waitFor("a new subscription", () => again.got.length === 1);
      expect(again.texts()).toEqual(["four"]);
    });

    it("delivers the payload of one publication to every local handler", async () => {
      const [a, b] = await nodesForTest(makeNodes, 2);
      const seen: string[] = [];
      for (let i = 0; i < 5; i++) {
        await b!.subscribe("many", (payload, from) => {
          seen.push(`${i}:${payload.toString("utf8")}:${from === a!.nodeId}`);
        });
      }
      await a!.publish("many", utf8("x"));
      await waitFor("five deliveries", () => seen.length === 5);
      await sleep(20);
      expect(seen.sort()).toEqual(["0:x:true", "1:x:true", "2:x:true", "3:x:true", "4:x:true"]);
    });

    it("publishes without subscribers, reports healthy, and refuses work once closed", async () => {
      const [a] = await nodesForTest(makeNodes, 1);
      await expect(a!.publish("nobody-listens", utf8("x"))).resolves.toBeUndefined();
      await waitFor("healthy", () => a!.healthy());
      await a!.close();
      expect(await a!.healthy()).toBe(false);
      await expect(a!.publish("t", utf8("x"))).rejects.toThrow();
      await a!.close(); // idempotent
    });
  });
}
