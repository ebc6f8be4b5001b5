/**
 * Where a finished transmission's recording goes: a port, so push-to-talk does not know the
 * repositories. `MessagesRecordingSink` stores it as an audio message (recording and message in
 * one transaction) and counts it against the storage quotas.
 */
import type { Message } from "@won/protocol";
import { presentMessages } from "../commands/messages.js";
import { recordingStored } from "../commands/storage-quota.js";
import type { AppContext } from "../context.js";
import type { Transmission } from "./transmission.js";

export interface RecordingSink {
  /** Stores the Ogg Opus recording of `t`; returns its audio message, or null if it could not
   *  be stored (the failure is logged; the transmission still ends normally). Never throws. */
  store(t: Transmission, ogg: Buffer, durationMs: number): Promise<Message | null>;
}

export class MessagesRecordingSink implements RecordingSink {
  constructor(private readonly ctx: AppContext) {}

  async store(t: Transmission, ogg: Buffer, durationMs: number): Promise<Message | null> {
    const userId = t.connection.userId;
    try {
      const { message: row } = await this.ctx.repos.messages.append(t.channelId, {
        senderId: userId,
        kind: "audio",
        recording: {
          id: crypto.randomUUID(),
          stream_id: t.streamId,
          duration_ms: durationMs,
          size_bytes: ogg.length,
          data: ogg,
        },
      });
      recordingStored(this.ctx, { userId, channelId: t.channelId, bytes: ogg.length });
      const [message] = await presentMessages(this.ctx, [row]);
      return message ?? null;
    } catch (err) {
      this.ctx.log.error({ err, channelId: t.channelId }, "could not store a recording");
      return null;
    }
  }
}
