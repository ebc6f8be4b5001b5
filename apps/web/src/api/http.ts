/**
 * The one fetch wrapper: the API prefix, bearer token, JSON bodies, problem+json errors, and
 * one automatic token refresh + retry when a request comes back 401. Refreshes are single-flight:
 * concurrent callers share one POST /auth/refresh (a second one would present a rotated token
 * and revoke the whole family). Operations are called through the typed client (`client.ts`).
 */
import { API_PREFIX, routePath, routes, TokenPair } from "@won/protocol";
import { clearSession, getSession, setTokens } from "../auth/session";
import { ApiError, toApiError } from "./problem";

/** The one API prefix, from the protocol's route table. */
export const API_BASE = API_PREFIX;

let refreshing: Promise<string | null> | null = null;

/**
 * Rotates the tokens. Resolves to the new access token, or null when the session is over (the
 * refresh token was rejected), in which case the session is cleared. Network errors throw.
 */
export function refreshTokens(): Promise<string | null> {
  if (!refreshing) {
    refreshing = doRefresh().finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

async function doRefresh(): Promise<string | null> {
  const s = getSession();
  if (!s) return null;
  let res: Response;
  try {
    res = await fetch(`${API_BASE}${routePath(routes.refresh)}`, {
      method: routes.refresh.method,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refreshToken: s.refreshToken }),
    });
  } catch {
    throw new ApiError(0, "network", "Network error");
  }
  if (res.status === 401 || res.status === 400) {
    // Another tab may have rotated the tokens meanwhile; only clear if ours are still current.
    if (getSession()?.refreshToken === s.refreshToken) clearSession();
    return getSession()?.accessToken ?? null;
  }
  if (!res.ok) throw toApiError(res.status, await readBody(res));
  const pair = TokenPair.parse(await res.json());
  setTokens(pair);
  return pair.accessToken;
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** Skip the Authorization header (login, register). */
  anonymous?: boolean;
  /** The success media type wanted; problem+json is always accepted. */
  accept?: string;
  signal?: AbortSignal;
}

/** Sends a request and returns the raw Response once it is 2xx; throws ApiError otherwise. */
export async function rawRequest(path: string, opts: RequestOptions = {}): Promise<Response> {
  const attempt = async (token: string | undefined) => {
    const headers: Record<string, string> = {
      accept: `${opts.accept ?? "application/json"}, application/problem+json`,
    };
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    if (token) headers.authorization = `Bearer ${token}`;
    try {
      return await fetch(`${API_BASE}${path}`, {
        method: opts.method ?? "GET",
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: opts.signal,
      });
    } catch (e) {
      if ((e as Error).name === "AbortError") throw e;
      throw new ApiError(0, "network", "Network error");
    }
  };
  const token = opts.anonymous ? undefined : getSession()?.accessToken;
  let res = await attempt(token);
  if (res.status === 401 && token) {
    const fresh = await refreshTokens();
    if (fresh) res = await attempt(fresh);
  }
  if (!res.ok) throw toApiError(res.status, await readBody(res));
  return res;
}
