/** Small presentational pieces shared by the screens. */
import { type User, visibleDisplayName } from "@won/protocol";
import { type InputHTMLAttributes, type ReactNode, useId, useLayoutEffect, useRef } from "react";

/** Two letters for an avatar: first and last word, counting only letters and digits, so
 *  "Olivia (Control)" is "OC", not "O(". */
export function initials(name: string): string {
  const parts = name
    .split(/\s+/)
    .map((w) => [...w.matchAll(/[\p{L}\p{N}]/gu)].map((m) => m[0]).join(""))
    .filter(Boolean);
  const first = [...(parts[0] ?? "")];
  const last = [...(parts.at(-1) ?? "")];
  const s = parts.length > 1 ? first[0]! + last[0]! : first.slice(0, 2).join("");
  return s ? s.toUpperCase() : "?";
}

export function Avatar({ user, talking = false }: { user: Pick<User, "displayName">; talking?: boolean }) {
  return (
    <span className={`avatar${talking ? " talking" : ""}`} aria-hidden="true">
      {initials(visibleDisplayName(user.displayName))}
    </span>
  );
}

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  error?: string | undefined;
  hint?: string;
}

/** A labelled input whose error is announced and linked with aria-describedby. */
export function Field({ label, error, hint, ...input }: FieldProps) {
  const id = useId();
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? errId : null, hint ? hintId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
      {hint && (
        <span id={hintId} className="hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={errId} className="error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

export function FormError({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <div className="form-error" role="alert">
      {children}
    </div>
  );
}

/**
 * The filled part of a bar (level meter, playback progress), `fraction` of its track wide. The
 * width is the `--fill` custom property, set on the element itself, so the styles stay in CSS.
 */
export function Fill({ fraction }: { fraction: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const pct = `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;
  useLayoutEffect(() => {
    ref.current?.style.setProperty("--fill", pct);
  }, [pct]);
  return <div ref={ref} className="fill" />;
}

export function Spinner({ label = "Loading" }: { label?: string }) {
  return (
    <p className="empty" role="status" aria-live="polite">
      {label}…
    </p>
  );
}

/** Formats an ISO time as a short local time (today) or date + time. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay
    ? d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
    : d.toLocaleString([], { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
