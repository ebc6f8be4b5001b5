/// <reference path="./http-ece.d.ts" />
/**
 * The other end of Web Push, on 127.0.0.1: a push service (RFC 8030) that takes what the server
 * POSTs and keeps it, and a browser's subscription keys that decrypt it (RFC 8291, aes128gcm).
 * Tests check what actually arrives — headers, the VAPID signature and the decrypted payload —
 * not calls into our code.
 */
import { createECDH, type ECDH, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import ece from "http_ece";

export interface ReceivedPush {
  /** Which subscription (the endpoint's last path segment). */
  name: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One browser's push subscription: its endpoint on the service and the keys to decrypt with. */
export class BrowserSubscription {
  private readonly ecdh: ECDH = createECDH("prime256v1");
  private readonly authSecret = randomBytes(16);

  constructor(readonly endpoint: string) {
    this.ecdh.generateKeys();
  }

  /** As `PushSubscription.toJSON()` gives it, for `POST /me/push-subscriptions`. */
  toJSON() {
    return {
      endpoint: this.endpoint,
      keys: {
        p256dh: this.ecdh.getPublicKey().toString("base64url"),
        auth: this.authSecret.toString("base64url"),
      },
    };
  }

  /** The plaintext of a push sent to this subscription (throws if it was not encrypted for it). */
  decrypt(push: ReceivedPush): unknown {
    const plain = ece.decrypt(push.body, {
      version: "aes128gcm",
      privateKey: this.ecdh,
      authSecret: this.authSecret.toString("base64url"),
    });
    return JSON.parse(plain.toString("utf8"));
  }
}

export class PushService {
  readonly received: ReceivedPush[] = [];
  /** Status to answer per subscription name; default 201 Created. */
  readonly answers = new Map<string, number>();
  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(): Promise<PushService> {
    let self: PushService | null = null;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const name = decodeURIComponent(req.url?.split("/").pop() ?? "");
        self!.received.push({ name, headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(self!.answers.get(name) ?? 201).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    self = new PushService(server, `http://127.0.0.1:${port}`);
    return self;
  }

  subscription(name: string): BrowserSubscription {
    return new BrowserSubscription(`${this.origin}/push/${encodeURIComponent(name)}`);
  }

  to(name: string): ReceivedPush[] {
    return this.received.filter((p) => p.name === name);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
