/**
 * The server's VAPID key pair (RFC 8292): browsers subscribe with its public key, and every push
 * is signed with its private key. Production takes it from configuration (every instance must
 * share it); embedded mode generates one into DATA_DIR once, so subscriptions survive restarts.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import webpush from "web-push";

export interface VapidKeys {
  /** Uncompressed P-256 point, base64url. */
  publicKey: string;
  /** P-256 private scalar, base64url. */
  privateKey: string;
}

/** DATA_DIR/vapid.json, created on first use (readable by the server's user only). */
export function embeddedVapidKeys(dataDir: string): VapidKeys {
  const file = join(dataDir, "vapid.json");
  if (existsSync(file)) {
    const keys = JSON.parse(readFileSync(file, "utf8")) as Partial<VapidKeys>;
    if (typeof keys.publicKey === "string" && typeof keys.privateKey === "string")
      return { publicKey: keys.publicKey, privateKey: keys.privateKey };
  }
  mkdirSync(dataDir, { recursive: true });
  const keys = webpush.generateVAPIDKeys();
  writeFileSync(file, `${JSON.stringify(keys)}\n`, { mode: 0o600 });
  return { publicKey: keys.publicKey, privateKey: keys.privateKey };
}
