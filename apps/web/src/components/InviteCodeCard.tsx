/**
 * An invite code as text, a copy button and a QR code of the /join/CODE deep link, with the
 * address phones should open beside it. The link is the server's `inviteUrl` (PUBLIC_URL, or the
 * organiser's LAN address rather than their own 127.0.0.1); this page's origin only for a server
 * that does not send one.
 */
import QRCode from "qrcode";
import { useEffect, useState } from "react";

export function formatCode(code: string) {
  return code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}

/** The origin of an invite link: the address phones type or scan to reach this server. */
export function phoneAddress(link: string): string {
  try {
    return new URL(link).origin;
  } catch {
    return link;
  }
}

export function InviteCodeCard({
  code,
  url,
  onRegenerate,
  busy,
}: {
  code: string;
  /** The server's `inviteUrl` for this code. */
  url?: string;
  onRegenerate?: () => void;
  busy?: boolean;
}) {
  const link = url ?? `${location.origin}/join/${code}`;
  const address = phoneAddress(link);
  const [qr, setQr] = useState<string | null>(null);
  const { copied, copy } = useCopy();
  // A new code silently invalidates printed QR codes and shared links: ask first.
  const [confirming, setConfirming] = useState(false);

  useEffect(() => {
    let alive = true;
    QRCode.toDataURL(link, { margin: 1, width: 360, errorCorrectionLevel: "M" }).then(
      (u) => alive && setQr(u),
      () => alive && setQr(null),
    );
    return () => {
      alive = false;
    };
  }, [link]);

  return (
    <div className="code-box">
      <div className="code-text" data-testid="invite-code" data-code={code}>
        <span className="visually-hidden">Invite code </span>
        {formatCode(code)}
      </div>
      <div className="row center">
        <button type="button" className="btn primary small" onClick={() => copy(code, "code")}>
          Copy code
        </button>
        <button type="button" className="btn small" onClick={() => copy(link, "link")}>
          Copy link
        </button>
        {onRegenerate && !confirming && (
          <button type="button" className="btn small" onClick={() => setConfirming(true)} disabled={busy}>
            New code
          </button>
        )}
      </div>
      {onRegenerate && confirming && (
        <ConfirmNewCode
          code={code}
          busy={busy}
          onConfirm={() => {
            setConfirming(false);
            onRegenerate();
          }}
          onCancel={() => setConfirming(false)}
        />
      )}
      <span role="status" aria-live="polite" className="small muted">
        {copied ? `Copied the ${copied}` : ""}
      </span>
      {qr && <img className="qr" src={qr} alt={`QR code to join: ${link}`} />}
      <p className="small" data-testid="phone-address">
        Phones open <strong>{address}</strong>
      </p>
    </div>
  );
}

/** "Are you sure": a new code silently breaks every printed QR code and shared link. */
function ConfirmNewCode({
  code,
  busy,
  onConfirm,
  onCancel,
}: {
  code: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <fieldset className="confirm">
      <legend className="visually-hidden">Replace the invite code</legend>
      <p className="small">
        The code <strong>{formatCode(code)}</strong>, its link and every printed QR code stop working at once.
        People already in stay in.
      </p>
      <div className="row center">
        <button type="button" className="btn danger small" disabled={busy} onClick={onConfirm}>
          Yes, issue a new code
        </button>
        <button type="button" className="btn small" onClick={onCancel}>
          Keep this code
        </button>
      </div>
    </fieldset>
  );
}

/** Copies text to the clipboard (with a selection fallback on http pages and old browsers) and
 *  says what was copied for two seconds. */
function useCopy() {
  const [copied, setCopied] = useState<string | null>(null);
  async function copy(text: string, what: string) {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Clipboard API unavailable (http, old browser): fall back to a selection copy.
      const ta = document.createElement("textarea");
      ta.value = text;
      document.body.append(ta);
      ta.select();
      document.execCommand("copy");
      ta.remove();
    }
    setCopied(what);
    setTimeout(() => setCopied(null), 2000);
  }
  return { copied, copy };
}
