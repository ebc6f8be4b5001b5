/** The app's one TanStack Query client (server state), shared by React and the realtime dispatcher. */
import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./problem";

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      // 4xx answers are final; retry only network trouble and 5xx.
      retry: (n, e) => !(e instanceof ApiError && e.status >= 400 && e.status < 500) && n < 2,
    },
  },
});
