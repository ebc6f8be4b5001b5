/** Text input for a channel. Sends optimistically with a clientId idempotency key (a retry reuses it). */
import { LIMITS } from "@won/protocol";
import { type FormEvent, useState } from "react";
import { api } from "../api/endpoints";
import { live } from "../state/live-store";
import { newClientId, type PendingMessage } from "../timeline/timeline";
import { SendIcon } from "./Icons";

export async function sendText(channelId: string, body: string, clientId = newClientId()) {
  live.pending(channelId, { clientId, body, createdAt: new Date().toISOString(), status: "sending" });
  try {
    const msg = await api.postMessage(channelId, { body, clientId });
    live.confirm(channelId, clientId, msg);
  } catch {
    live.fail(channelId, clientId);
  }
}

export const retryText = (channelId: string) => (p: PendingMessage) =>
  void sendText(channelId, p.body, p.clientId);

export function Composer({ channelId }: { channelId: string }) {
  const [text, setText] = useState("");
  function submit(e: FormEvent) {
    e.preventDefault();
    const body = text.trim();
    if (!body) return;
    setText("");
    void sendText(channelId, body);
  }
  return (
    <form className="composer" onSubmit={submit} aria-label="Send a message">
      <label htmlFor="composer-input" className="visually-hidden">
        Message
      </label>
      <input
        id="composer-input"
        name="message"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder="Write a message"
        maxLength={LIMITS.messageBodyMax}
        autoComplete="off"
        enterKeyHint="send"
      />
      <button type="submit" className="btn primary icon-btn" aria-label="Send" disabled={!text.trim()}>
        <SendIcon />
      </button>
    </form>
  );
}
