/**
 * What one instance tells the others over the broker: a typed union with its own codec.
 *
 * Wire format — the first byte decides, so an audio frame is never parsed:
 *
 *   0x01 …                    `audio`: the speaker's frame exactly as received (frame.ts in the
 *                             protocol package); relayed to local listeners as it is.
 *   JSON, `type` not "_…"     `event`: a client-bound ServerMessage; its bytes are written to
 *                             local sockets as they came, never re-serialised.
 *   JSON, `type` "_<kind>"    a control message (`access.revoked`, `access.changed`,
 *                             `floor.preempted`): handled by every node, never forwarded.
 *
 * A channel topic carries all three kinds, so the broker's per-publisher order puts
 * `speaker.started` before a stream's first frame on every node. A user topic carries events,
 * and the frames of a transmission delivered to that user (an emergency hot mic) after its
 * `speaker.started` on the same topic. Decoding never throws: a payload that is none of these is `null` and is dropped.
 */
import { FRAME_KIND_AUDIO, ServerMessage, validateAudioFrame } from "@won/protocol";

export type ControlMessage =
  /** These users lost access to the channel: their sockets leave it and get `access.revoked`. */
  | { kind: "access.revoked"; channelId: string; userIds: string[] }
  /** The user's role or speak permission changed: their sockets get `access.changed`. */
  | { kind: "access.changed"; channelId: string; userId: string }
  /** A priority `ptt.start` took the floor: the node of that stream ends it. */
  | { kind: "floor.preempted"; channelId: string; streamId: number };

export type ClusterMessage =
  | { kind: "audio"; frame: Buffer }
  | { kind: "event"; event: ServerMessage; bytes: Buffer }
  | ControlMessage;

/** A client-bound event serialised once, for the broker and every local socket alike. */
export function clusterEvent(event: ServerMessage): Extract<ClusterMessage, { kind: "event" }> {
  return { kind: "event", event, bytes: Buffer.from(JSON.stringify(event)) };
}

/** The bytes to publish. Audio and events are their own bytes (no copy); control is JSON. */
export function encodeClusterMessage(msg: ClusterMessage): Buffer {
  switch (msg.kind) {
    case "audio":
      return msg.frame;
    case "event":
      return msg.bytes;
    default: {
      const { kind, ...fields } = msg;
      return Buffer.from(JSON.stringify({ type: `_${kind}`, ...fields }));
    }
  }
}

/** Hot path: whether a payload is an audio frame. Reads one byte; nothing is parsed or allocated. */
export function isAudioPayload(payload: Uint8Array): boolean {
  return payload[0] === FRAME_KIND_AUDIO;
}

/**
 * Reads a payload from the broker, or returns null for anything that is not a message of this
 * version. An event's `bytes` is `payload` itself, which the broker owns only during its
 * handler: copy it to keep it.
 */
export function decodeClusterMessage(payload: Buffer): ClusterMessage | null {
  if (payload.length === 0) return null;
  if (isAudioPayload(payload)) return validateAudioFrame(payload) ? null : { kind: "audio", frame: payload };
  let json: unknown;
  try {
    json = JSON.parse(payload.toString("utf8"));
  } catch {
    return null;
  }
  if (typeof json !== "object" || json === null) return null;
  const type = (json as { type?: unknown }).type;
  if (typeof type !== "string") return null;
  if (type.startsWith("_")) return decodeControl(type.slice(1), json as Record<string, unknown>);
  return isEvent(json) ? { kind: "event", event: json, bytes: payload } : null;
}

const EVENT_TYPES: ReadonlySet<string> = new Set(ServerMessage.options.map((o) => o.shape.type.value));

/** A known event type, with the fields a receiving node reads of it well-formed. The rest of
 *  the event is the sending node's (same version) and goes to clients as it is. */
function isEvent(json: object): json is ServerMessage {
  const e = json as Record<string, unknown> & { type: string };
  if (!EVENT_TYPES.has(e.type)) return false;
  switch (e.type) {
    case "speaker.started":
      return isString(e.channelId) && isUint(e.streamId) && isString((e.user as { id?: unknown })?.id);
    case "speaker.stopped":
      return isString(e.channelId) && isUint(e.streamId);
    case "message.created":
      return isString(e.channelId) && isUint((e.message as { seq?: unknown })?.seq);
    case "channel.deleted":
      return isString(e.channelId);
    default:
      return true;
  }
}

function decodeControl(kind: string, m: Record<string, unknown>): ControlMessage | null {
  const { channelId } = m;
  if (!isString(channelId)) return null;
  switch (kind) {
    case "access.revoked":
      return Array.isArray(m.userIds) && m.userIds.every(isString)
        ? { kind, channelId, userIds: m.userIds }
        : null;
    case "access.changed":
      return isString(m.userId) ? { kind, channelId, userId: m.userId } : null;
    case "floor.preempted":
      return isUint(m.streamId) ? { kind, channelId, streamId: m.streamId } : null;
    default:
      return null;
  }
}

function isString(v: unknown): v is string {
  return typeof v === "string";
}

function isUint(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0;
}
