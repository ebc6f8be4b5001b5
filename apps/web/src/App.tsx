/** Routes and providers. Screens behind RequireAuth need a session; /join/CODE survives sign-in via ?next. */
import { QueryClientProvider } from "@tanstack/react-query";
import { createBrowserRouter, Navigate, Outlet, RouterProvider, useLocation } from "react-router";
import { queryClient } from "./api/query-client";
import { useSessionStore } from "./auth/session";
import { Layout } from "./components/Layout";
import { useMonitoring } from "./hooks/useMonitoring";
import { useTheme } from "./hooks/useTheme";
import { AuthScreen } from "./screens/AuthScreen";
import { ChannelScreen } from "./screens/ChannelScreen";
import { ConsoleScreen } from "./screens/ConsoleScreen";
import { CreateEventScreen } from "./screens/CreateEventScreen";
import { EventAlertsScreen } from "./screens/EventAlertsScreen";
import { EventScreen } from "./screens/EventScreen";
import { HomeScreen } from "./screens/HomeScreen";
import { JoinScreen } from "./screens/JoinScreen";
import { RadioScreen } from "./screens/RadioScreen";
import { ResetPasswordScreen } from "./screens/ResetPasswordScreen";
import { SettingsScreen } from "./screens/SettingsScreen";

function RequireAuth() {
  const signedIn = useSessionStore((s) => !!s.session);
  const loc = useLocation();
  useMonitoring();
  if (!signedIn)
    return <Navigate to={`/signin?next=${encodeURIComponent(loc.pathname + loc.search)}`} replace />;
  return <Outlet />;
}

function Themed() {
  useTheme();
  return <Layout />;
}

const router = createBrowserRouter([
  {
    element: <Themed />,
    children: [
      { path: "/signin", element: <AuthScreen mode="signin" /> },
      { path: "/register", element: <AuthScreen mode="register" /> },
      { path: "/reset-password", element: <ResetPasswordScreen /> },
      {
        element: <RequireAuth />,
        children: [
          { path: "/", element: <HomeScreen /> },
          { path: "/join/:code", element: <JoinScreen /> },
          { path: "/events/new", element: <CreateEventScreen /> },
          { path: "/events/:eventId", element: <EventScreen /> },
          { path: "/events/:eventId/alerts", element: <EventAlertsScreen /> },
          { path: "/events/:eventId/console", element: <ConsoleScreen /> },
          { path: "/channels/:channelId", element: <ChannelScreen /> },
          { path: "/channels/:channelId/radio", element: <RadioScreen /> },
          { path: "/settings", element: <SettingsScreen /> },
        ],
      },
      { path: "*", element: <Navigate to="/" replace /> },
    ],
  },
]);

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
