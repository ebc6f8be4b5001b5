import { useLocation } from "react-router";
import { goneMessage, isGoneState } from "./gone-notice";

/** Says why a channel screen sent the user home (deleted channel, removal). */
export function GoneNotice() {
  const { state } = useLocation();
  if (!isGoneState(state)) return null;
  return (
    <p className="banner warn gone-notice" role="status">
      {goneMessage(state)}
    </p>
  );
}
