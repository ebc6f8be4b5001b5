/**
 * Where a finished transmission's recording goes: a port, so push-to-talk does not know the
 * repositories. `MessagesRecordingSink` stores it as an audio message through `appendMessage`
 * (recording and message in one transaction, counted against the storage quotas) and leaves its
 * announcement to push-to-talk, which sends `speaker.stopped` first.
 */

import type { Logger } from "pino";
import {
  type AppendDeps,
  type AppendedMessage,
  appendMessage,
  appendRecordingReference,
} from "../commands/messages.js";
import type { Transmission } from "./transmission.js";

export interface RecordingSink {
  /** Stores the Ogg Opus recording of `t`; returns its audio message with the function that
   *  announces it, or null if it could not be stored (the failure is logged; the transmission
   *  still ends normally). Never throws. `alsoIn`: other channels that heard it (all-call,
   *  patch) each get an audio message referencing the same recording, announced with it. */
  store(
    t: Transmission,
    ogg: Buffer,
    durationMs: number,
    alsoIn?: readonly string[],
  ): Promise<AppendedMessage | null>;
}

export class MessagesRecordingSink implements RecordingSink {
  constructor(private readonly ctx: AppendDeps & { log: Logger }) {}

  async store(
    t: Transmission,
    ogg: Buffer,
    durationMs: number,
    alsoIn: readonly string[] = [],
  ): Promise<AppendedMessage | null> {
    const first = await this.storeFirst(t, ogg, durationMs);
    const recording = first?.message.recording;
    if (!first || !recording || alsoIn.length === 0) return first;
    const ref = { id: recording.id, duration_ms: recording.durationMs };
    const copies = await Promise.all(
      alsoIn.map((channelId) =>
        appendRecordingReference(this.ctx, channelId, t.connection.userId, ref).catch((err) => {
          this.ctx.log.error({ err, channelId }, "could not post a recording");
          return null;
        }),
      ),
    );
    return {
      ...first,
      async announce() {
        await first.announce();
        await Promise.all(copies.map((c) => c?.announce()));
      },
    };
  }

  private async storeFirst(
    t: Transmission,
    ogg: Buffer,
    durationMs: number,
  ): Promise<AppendedMessage | null> {
    try {
      return await appendMessage(
        this.ctx,
        {
          channelId: t.channelId,
          senderId: t.connection.userId,
          kind: "audio",
          recording: { streamId: t.streamId, durationMs, data: ogg },
        },
        { announce: "later" },
      );
    } catch (err) {
      this.ctx.log.error({ err, channelId: t.channelId }, "could not store a recording");
      return null;
    }
  }
}
