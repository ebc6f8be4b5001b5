/**
 * Streams of speakers on other nodes that this node relays to local listeners. If a stream's
 * frames stop without a `speaker.stopped` (its node died), `onLost` is called once the floor
 * lease must have run out, so listeners are not left showing a speaker who is gone.
 */
export class RemoteStreams {
  private readonly streams = new Map<string, { streamId: number; userId: string; lastAt: number }>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly leaseMs: number,
    private readonly onLost: (channelId: string, streamId: number, userId: string) => void,
  ) {
    this.timer = setInterval(() => this.sweep(), Math.max(250, Math.floor(leaseMs / 2)));
    this.timer.unref();
  }

  started(channelId: string, streamId: number, userId: string): void {
    this.streams.set(channelId, { streamId, userId, lastAt: Date.now() });
  }

  frame(channelId: string, streamId: number): void {
    const s = this.streams.get(channelId);
    if (s && s.streamId === streamId) s.lastAt = Date.now();
  }

  stopped(channelId: string, streamId: number): void {
    if (this.streams.get(channelId)?.streamId === streamId) this.streams.delete(channelId);
  }

  private sweep(): void {
    const deadline = Date.now() - this.leaseMs - 500;
    for (const [channelId, s] of this.streams) {
      if (s.lastAt < deadline) {
        this.streams.delete(channelId);
        this.onLost(channelId, s.streamId, s.userId);
      }
    }
  }

  close(): void {
    clearInterval(this.timer);
  }
}
