/**
 * Text input for a channel. Sends optimistically (state/queries/messages.ts); those who may
 * (`requireAck`) can ask every member to acknowledge the message.
 */
import { LIMITS } from "@won/protocol";
import { type FormEvent, useState } from "react";
import { useSendMessage } from "../state/queries/messages";
import { SendIcon } from "./Icons";

/** `canRequireAck`: the channel's `requireAck` ability, which offers the acknowledgement toggle. */
export function Composer({
  channelId,
  canRequireAck = false,
}: {
  channelId: string;
  canRequireAck?: boolean;
}) {
  const [text, setText] = useState("");
  const [requireAck, setRequireAck] = useState(false);
  const { send } = useSendMessage(channelId);
  function submit(e: FormEvent) {
    e.preventDefault();
    const body = text.trim();
    if (!body) return;
    setText("");
    setRequireAck(false);
    send(body, canRequireAck && requireAck);
  }
  return (
    <form
      className={`composer${requireAck ? " requires-ack" : ""}`}
      onSubmit={submit}
      aria-label="Send a message"
    >
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
      {canRequireAck && (
        <label className="ack-toggle small" title="Every member is asked to acknowledge this message">
          <input
            type="checkbox"
            checked={requireAck}
            onChange={(e) => setRequireAck(e.target.checked)}
            data-testid="require-ack"
          />
          Require acknowledgement
        </label>
      )}
      {/* Pressing Send leaves the focus (and a phone's keyboard) in the field, so the layout does
          not jump between the press and the release. */}
      <button
        type="submit"
        className="btn primary icon-btn"
        aria-label="Send"
        disabled={!text.trim()}
        onMouseDown={(e) => e.preventDefault()}
      >
        <SendIcon />
      </button>
    </form>
  );
}
