/**
 * The one time an organiser sees a password reset code: large and monospaced, to be read aloud to
 * the member, with when it stops working. Closing it forgets the code (the server keeps a hash).
 * Rendered into `body`, so no card's stacking context keeps the backdrop under the top bar.
 */
import { type IssuedPasswordReset, LIMITS } from "@won/protocol";
import { useEffect, useRef } from "react";
import { createPortal } from "react-dom";
import { formatTime } from "./ui";

export function ResetCodeDialog({
  issued,
  name,
  onClose,
}: {
  issued: IssuedPasswordReset;
  name: string;
  onClose: () => void;
}) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  return createPortal(
    <div className="dialog-backdrop">
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="reset-code-title"
        aria-describedby="reset-code-help"
        className="card dialog reset-code"
        data-testid="reset-code-dialog"
        onKeyDown={(e) => {
          if (e.key === "Escape") onClose();
        }}
      >
        <h2 id="reset-code-title">Reset code for {name}</h2>
        <output className="reset-code-value" data-testid="reset-code">
          {issued.code}
        </output>
        <p id="reset-code-help">
          Read it to {name}. It works once, for {LIMITS.resetCodeTtlMs / 60_000} minutes.
          <br />
          <span className="muted">Valid until {formatTime(issued.expiresAt)}.</span>
        </p>
        <button ref={close} type="button" className="btn primary block" onClick={onClose}>
          Done
        </button>
      </div>
    </div>,
    document.body,
  );
}
