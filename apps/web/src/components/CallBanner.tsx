/**
 * An incoming direct call, wherever I am: who is calling, and one tap to reply (the direct
 * channel's screen, where holding talk answers). Its voice already plays; the banner stays after
 * it ends, as a call to answer, until replied to or closed. Not shown on the call's own screen.
 */
import { useLocation, useNavigate } from "react-router";
import { callBannerText } from "../calls/call-state";
import { callActions, useCalls } from "../calls/direct-calls";
import { shownName } from "../users/user-name";

export function CallBanner() {
  const call = useCalls((s) => s.incoming);
  const { pathname } = useLocation();
  const navigate = useNavigate();
  if (!call || pathname === `/channels/${call.channelId}`) return null;
  return (
    <div
      className={`banner call-banner${call.live ? " live" : ""}`}
      role="alert"
      data-testid="call-banner"
      data-live={call.live}
    >
      <span>{callBannerText(call, shownName(call.caller))}</span>
      <span className="spacer" />
      <button
        type="button"
        className="btn small primary"
        onClick={() => navigate(`/channels/${call.channelId}`)}
      >
        Reply
      </button>
      <button type="button" className="btn small ghost" aria-label="Close" onClick={callActions.dismiss}>
        ✕
      </button>
    </div>
  );
}
