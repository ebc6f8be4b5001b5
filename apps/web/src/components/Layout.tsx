/** App chrome: top bar, connection banner, my SOS banner, an incoming call, the routed screen, and the staff alarm over everything. */
import { Link, Outlet } from "react-router";
import { useSessionStore } from "../auth/session";
import { AudioUnlockBanner } from "./AudioUnlockBanner";
import { AlarmLayer } from "./alarm/AlarmLayer";
import { CallBanner } from "./CallBanner";
import { ConnectionBanner } from "./ConnectionBanner";
import { SettingsIcon } from "./Icons";
import { RaiserPanel } from "./sos/RaiserPanel";

export function Layout() {
  const user = useSessionStore((s) => s.session?.user);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="Operation Won home">
          <img src="/icons/icon.svg" alt="" />
          <span>Operation Won</span>
        </Link>
        <nav aria-label="Account">
          {user && (
            <span className="muted small" data-testid="whoami">
              {user.displayName}
            </span>
          )}
          <Link to="/settings" className="btn ghost icon-btn" aria-label="Settings">
            <SettingsIcon />
          </Link>
        </nav>
      </header>
      <ConnectionBanner />
      {user && <AudioUnlockBanner />}
      {user && <RaiserPanel />}
      {user && <CallBanner />}
      <Outlet />
      {user && <AlarmLayer />}
    </>
  );
}
