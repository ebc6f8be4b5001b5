/** Direct REST calls for test setup, and signing a browser in with a session made that way. */
import type { AuthResult, Channel, Event, JoinResult } from "@won/protocol";
import type { BrowserContext } from "playwright-core";
import type { Person } from "./app";

async function call<T>(base: string, path: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(`${base}/api/v1${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export const apiRegister = (base: string, p: Person) =>
  call<AuthResult>(base, "/auth/register", {
    username: p.username,
    email: p.email,
    password: p.password,
    displayName: p.displayName,
  });
export const apiCreateEvent = (base: string, token: string, name: string) =>
  call<Event>(base, "/events", { name }, token);
export const apiCreateChannel = (base: string, token: string, eventId: string, name: string) =>
  call<Channel>(base, "/channels", { name, eventId }, token);
export const apiJoin = (base: string, token: string, code: string) =>
  call<JoinResult>(base, "/join", { code }, token);

/** Puts a session into the app's storage before any page of the context loads. */
export async function signInContext(context: BrowserContext, r: AuthResult) {
  const session = {
    accessToken: r.accessToken,
    refreshToken: r.refreshToken,
    expiresAt: Date.now() + r.expiresIn * 1000,
    user: r.user,
  };
  await context.addInitScript((s) => {
    if (!localStorage.getItem("won.session.v1")) localStorage.setItem("won.session.v1", s);
  }, JSON.stringify(session));
}
