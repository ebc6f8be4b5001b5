/**
 * Per-channel bookkeeping for "nothing is missed": the highest message `seq` seen on each
 * channel (so a resubscribe asks for `sinceSeq`), and which audio messages were missed while
 * away (replayed on resubscribe) rather than heard live.
 */
import type { Message } from "@won/protocol";

export class SeqTracker {
  private readonly last = new Map<string, number>();
  /** channelId → lastSeq the server reported in `subscribed` (the resync boundary). */
  private readonly resyncUpTo = new Map<string, { since: number; upTo: number }>();
  private readonly heardLive = new Set<string>();

  /** Highest seq seen on a channel, or undefined before the first message/subscription. */
  lastSeq(channelId: string): number | undefined {
    return this.last.get(channelId);
  }

  /** Records a seq seen on a channel (from history, live messages or `subscribed.lastSeq`). */
  see(channelId: string, seq: number) {
    const cur = this.last.get(channelId);
    if (cur === undefined || seq > cur) this.last.set(channelId, seq);
  }

  /**
   * Call on `subscribed`. `sinceSeq` is what we asked for (undefined on a first subscription);
   * messages with seq in (sinceSeq, lastSeq] are a replay of what happened while away.
   */
  subscribed(channelId: string, sinceSeq: number | undefined, lastSeq: number) {
    if (sinceSeq !== undefined && lastSeq > sinceSeq) {
      this.resyncUpTo.set(channelId, { since: sinceSeq, upTo: lastSeq });
    } else {
      this.resyncUpTo.delete(channelId);
    }
    if (sinceSeq === undefined) this.see(channelId, lastSeq);
  }

  /** Marks a recording's message as heard live (from `speaker.stopped.message`). */
  markHeard(messageId: string) {
    this.heardLive.add(messageId);
    if (this.heardLive.size > 1000) this.heardLive.delete(this.heardLive.values().next().value!);
  }

  /** Whether an incoming message is an audio transmission someone else made while we were away. */
  isMissedAudio(msg: Message, myUserId: string | undefined): boolean {
    if (msg.kind !== "audio" || !msg.recording) return false;
    if (msg.sender.id === myUserId || this.heardLive.has(msg.id)) return false;
    const r = this.resyncUpTo.get(msg.channelId);
    return r !== undefined && msg.seq > r.since && msg.seq <= r.upTo;
  }

  forget(channelId: string) {
    this.resyncUpTo.delete(channelId);
  }

  clear() {
    this.last.clear();
    this.resyncUpTo.clear();
    this.heardLive.clear();
  }
}
