/**
 * The signed-in session: tokens and the current user, persisted in localStorage so a reload
 * keeps the steward signed in. Only this module reads or writes the tokens.
 */
import type { AuthResult, Me, TokenPair } from "@won/protocol";
import { create } from "zustand";

const KEY = "won.session.v1";

export interface Session {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds when the access token expires. */
  expiresAt: number;
  user: Me;
}

interface SessionState {
  session: Session | null;
}

function load(): Session | null {
  try {
    const raw = globalThis.localStorage?.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

function save(s: Session | null) {
  try {
    if (s) globalThis.localStorage?.setItem(KEY, JSON.stringify(s));
    else globalThis.localStorage?.removeItem(KEY);
  } catch {
    /* private mode: the session lives in memory only */
  }
}

export const useSessionStore = create<SessionState>(() => ({ session: load() }));

/** The current session, outside React. */
export const getSession = () => useSessionStore.getState().session;

/** Stores a fresh login or registration. */
export function setAuthResult(r: AuthResult) {
  setSession({
    accessToken: r.accessToken,
    refreshToken: r.refreshToken,
    expiresAt: Date.now() + r.expiresIn * 1000,
    user: r.user,
  });
}

/** Stores rotated tokens, keeping the user. */
export function setTokens(t: TokenPair) {
  const cur = getSession();
  if (!cur) return;
  setSession({
    ...cur,
    accessToken: t.accessToken,
    refreshToken: t.refreshToken,
    expiresAt: Date.now() + t.expiresIn * 1000,
  });
}

export function setUser(user: Me) {
  const cur = getSession();
  if (cur) setSession({ ...cur, user });
}

export function clearSession() {
  setSession(null);
}

function setSession(s: Session | null) {
  save(s);
  useSessionStore.setState({ session: s });
}

// Another tab signing in or out changes this tab too.
globalThis.addEventListener?.("storage", (e: StorageEvent) => {
  if (e.key === KEY) useSessionStore.setState({ session: load() });
});
