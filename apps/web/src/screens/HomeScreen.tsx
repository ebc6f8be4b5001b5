/** Home: the SOS control, my events, my direct calls and standalone channels, join with a code, create. */
import { DirectCalls } from "../components/home/DirectCalls";
import { GoneNotice } from "../components/home/GoneNotice";
import { MyChannels } from "../components/home/MyChannels";
import { MyEvents } from "../components/home/MyEvents";
import { JoinBox } from "../components/JoinBox";
import { MonitorBar } from "../components/MonitorBar";
import { HomeSos } from "../components/sos/HomeSos";

export function HomeScreen() {
  return (
    <main id="main" className="main">
      <h1 className="visually-hidden">Home</h1>
      <GoneNotice />
      <HomeSos />
      <MonitorBar />
      <div className="grid-2 home-grid">
        <div className="join-col">
          <JoinBox />
        </div>
        <div>
          <MyEvents />
          <DirectCalls />
          <MyChannels />
        </div>
      </div>
    </main>
  );
}
