/**
 * Rendering components and screens to HTML in tests (node has no DOM): react-dom/server over a
 * seeded query cache and an in-memory router. A server render runs no effects and never fetches,
 * so what is shown is exactly what the seeded cache holds. Zustand stores render their initial
 * state on the server; a test that needs other live state mocks the store's hook.
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createElement, type ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { MemoryRouter, Route, Routes } from "react-router";

export interface RenderOptions {
  /** Fills the query cache before rendering. */
  seed?: (qc: QueryClient) => void;
  /** The URL shown, e.g. "/events/ID". */
  path?: string;
  /** The route pattern that matches it, e.g. "/events/:eventId" (gives the screen its params). */
  route?: string;
  /** Navigation state of that entry (what `navigate(path, {state})` passed). */
  state?: unknown;
}

export function renderHtml(
  element: ReactElement,
  { seed, path = "/", route = "*", state }: RenderOptions = {},
): string {
  // A seeded error stays an error: no retry on mount would turn it back into "pending".
  const qc = new QueryClient({
    defaultOptions: { queries: { staleTime: Number.POSITIVE_INFINITY, retry: false, retryOnMount: false } },
  });
  seed?.(qc);
  const routed = createElement(
    MemoryRouter,
    {
      initialEntries: [
        {
          pathname: path.split("?")[0]!,
          search: path.includes("?") ? path.slice(path.indexOf("?")) : "",
          state,
        },
      ],
    },
    createElement(Routes, null, createElement(Route, { path: route, element })),
  );
  return renderToStaticMarkup(createElement(QueryClientProvider, { client: qc }, routed));
}

/** Puts a query in the error state, as after a failed fetch. */
export function seedError(qc: QueryClient, queryKey: readonly unknown[], error: Error): void {
  qc.getQueryCache()
    .build(qc, { queryKey })
    .setState({ status: "error", error, fetchStatus: "idle", errorUpdatedAt: Date.now() });
}

/** The text of an HTML string with the tags taken out, whitespace collapsed. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}
