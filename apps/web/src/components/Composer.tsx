/** Text input for a channel. Sends optimistically (state/queries/messages.ts). */
import { LIMITS } from "@won/protocol";
import { type FormEvent, useState } from "react";
import { useSendMessage } from "../state/queries/messages";
import { SendIcon } from "./Icons";

export function Composer({ channelId }: { channelId: string }) {
  const [text, setText] = useState("");
  const { send } = useSendMessage(channelId);
  function submit(e: FormEvent) {
    e.preventDefault();
    const body = text.trim();
    if (!body) return;
    setText("");
    send(body);
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
