/**
 * The acknowledgement part of a message that asks for one: an "Acknowledge" button for its
 * recipients until they press it, and for its sender and the channel's staff the live
 * `count/total` with the list of who is still pending. What shows is a pure function of the
 * message, the reader and their abilities (`ackView`).
 */
import type { Message, MessageAcks } from "@won/protocol";
import { useState } from "react";
import { describeError } from "../api/problem";
import { useAckMessage, useMessageAcks } from "../state/queries/acks";
import { userLabel } from "../users/user-name";

export interface AckView {
  /** The reader is asked and has not acknowledged yet: the message stays highlighted. */
  ask: boolean;
  /** The reader acknowledged it. */
  done: boolean;
  /** The reader may follow who acknowledged: its sender, or channel staff (`moderate`). */
  tally: boolean;
}

export function ackView(m: Message, readerId: string | undefined, staff: boolean): AckView | null {
  if (!m.ack) return null;
  const mine = m.sender.id === readerId;
  return { ask: !mine && !m.ack.byMe, done: !mine && m.ack.byMe === true, tally: mine || staff };
}

/** Who acknowledged and who is pending, as the sender and staff see it. */
export function AckList({ acks }: { acks: MessageAcks }) {
  return (
    <div className="ack-list" data-testid="ack-list">
      <p className="small">
        <strong>Pending:</strong>{" "}
        {acks.pending.length ? acks.pending.map((u) => userLabel(u)).join(", ") : "nobody"}
      </p>
      {acks.acked.length > 0 && (
        <p className="small muted">
          <strong>Acknowledged:</strong> {acks.acked.map((a) => userLabel(a.user)).join(", ")}
        </p>
      )}
    </div>
  );
}

function PendingList({ messageId }: { messageId: string }) {
  const acks = useMessageAcks(messageId, true);
  if (acks.error) return <p className="small text-danger">{describeError(acks.error)}</p>;
  if (!acks.data) return <p className="small muted">Loading…</p>;
  return <AckList acks={acks.data} />;
}

export function MessageAck({ m, view }: { m: Message; view: AckView }) {
  const ack = useAckMessage(m.channelId);
  const [open, setOpen] = useState(false);
  if (!m.ack) return null;
  return (
    <div className="msg-ack">
      {view.ask && (
        <button
          type="button"
          className="btn primary ack-btn"
          data-testid="ack-button"
          disabled={ack.isPending}
          onClick={() => ack.mutate(m.id)}
        >
          Acknowledge
        </button>
      )}
      {ack.error && <span className="small text-danger">{describeError(ack.error)}</span>}
      {view.done && <span className="small ack-done">✓ Acknowledged</span>}
      {view.tally && (
        <>
          <span className="small ack-tally" data-testid="ack-tally">
            {m.ack.count}/{m.ack.total} acknowledged
          </span>
          <button
            type="button"
            className="btn small"
            aria-expanded={open}
            data-testid="ack-pending-toggle"
            onClick={() => setOpen(!open)}
          >
            {open ? "Hide" : "Who is pending"}
          </button>
          {open && <PendingList messageId={m.id} />}
        </>
      )}
    </div>
  );
}
