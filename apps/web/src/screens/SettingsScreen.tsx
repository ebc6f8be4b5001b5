/** Device settings: microphone, PTT mode and key, tones, pocket cues, auto-play of missed transmissions, alerts when closed, theme; sign out. */
import { useSessionStore } from "../auth/session";
import { AccountSettings } from "../components/settings/AccountSettings";
import { AlertSettings } from "../components/settings/AlertSettings";
import { AppearanceSettings } from "../components/settings/AppearanceSettings";
import { PocketSettings } from "../components/settings/PocketSettings";
import { TalkingSettings } from "../components/settings/TalkingSettings";

export function SettingsScreen() {
  const user = useSessionStore((x) => x.session?.user);
  return (
    <main id="main" className="main narrow">
      <h1>Settings</h1>
      <TalkingSettings />
      <PocketSettings />
      <AlertSettings />
      <AppearanceSettings />
      {user && <AccountSettings user={user} />}
    </main>
  );
}
