/** The "Appearance" settings: the colour theme. */
import { type Theme, useSettings } from "../../settings/settings-store";
import { Segmented } from "./controls";

export function AppearanceSettings() {
  const theme = useSettings((s) => s.theme);
  const update = useSettings((s) => s.update);
  return (
    <section className="card" aria-labelledby="look-title">
      <h2 id="look-title">Appearance</h2>
      <Segmented<Theme>
        name="theme"
        label="Theme"
        value={theme}
        options={[
          ["system", "System"],
          ["light", "Light"],
          ["dark", "Dark"],
        ]}
        onChange={(v) => update({ theme: v })}
      />
    </section>
  );
}
