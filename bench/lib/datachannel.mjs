// WebRTC data channels for the datagram benchmark, behind one small interface so the relay and the
// load generator do not care which Node library carries them:
//
// - "ndc": node-datachannel (libdatachannel: C++, usrsctp, libjuice; an N-API addon shipped as a
//   per-platform npm package);
// - "werift": werift (ICE, DTLS, SCTP all in TypeScript).
//
// Contract of every channel this module opens: label "audio", unordered, no retransmission
// (RFC 8831 §6.1 with the partial-reliability extension of RFC 3758 — a frame is sent once and
// either arrives or is lost, and a lost frame never delays a later one). Binary messages only.
// Both sides gather host candidates on 127.0.0.1 only, and every SDP that leaves this module has
// its candidate lines filtered to 127.0.0.1, so no packet of the benchmark leaves loopback.
// Signalling is not ICE-trickled: an offer or answer is handed over once gathering is complete.

const LOOPBACK = "127.0.0.1";
const CHANNEL = { label: "audio", ordered: false, maxRetransmits: 0 };
/** How long gathering, or a channel's opening after the offerer is created, may take. */
const SETUP_TIMEOUT_MS = 30_000;

/**
 * @typedef {object} Channel
 * @property {(bytes: Uint8Array) => void} send  drops the frame if the channel is not open
 * @property {(cb: (bytes: Buffer) => void) => void} onMessage
 * @property {(cb: () => void) => void} onClose  called when the channel or its connection goes away
 * @property {() => boolean} isOpen
 *
 * @typedef {object} Offerer  the side that creates the channel (the load generator, a browser)
 * @property {Promise<string>} offer  the offer SDP, once gathering is complete
 * @property {(answerSdp: string) => Promise<void>} accept
 * @property {Promise<Channel>} channel  resolves when the channel is open
 * @property {() => void} close
 *
 * @typedef {object} Answerer  the side that answers (the relay)
 * @property {Promise<string>} answer  the answer SDP, once gathering is complete
 * @property {Promise<Channel>} channel  resolves when the offerer's channel is open here
 * @property {() => void} close
 */

/** Keeps only candidate lines on 127.0.0.1 (host candidates of other interfaces are dropped). */
export function loopbackOnly(sdp) {
  return sdp
    .split(/\r?\n/)
    .filter((l) => !l.startsWith("a=candidate:") || l.split(" ")[4] === LOOPBACK)
    .join("\r\n");
}

/** `p`, or a rejection after SETUP_TIMEOUT_MS; marked handled, since a caller may give up first. */
function withTimeout(p, what) {
  let timer;
  const out = Promise.race([
    p,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), SETUP_TIMEOUT_MS);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
  out.catch(() => undefined);
  return out;
}

// ---- node-datachannel -----------------------------------------------------------------------

let ndcModule = null;
async function ndc() {
  ndcModule ??= (await import("node-datachannel")).default;
  return ndcModule;
}

function ndcChannel(dc) {
  return {
    send: (bytes) => {
      if (dc.isOpen()) dc.sendMessageBinary(bytes);
    },
    onMessage: (cb) =>
      dc.onMessage((m) => typeof m !== "string" && cb(Buffer.isBuffer(m) ? m : Buffer.from(m))),
    onClose: (cb) => dc.onClosed(cb),
    isOpen: () => dc.isOpen(),
  };
}

/** Resolves with the local SDP once gathering is complete. */
function ndcGathered(pc) {
  return withTimeout(
    new Promise((resolve) => {
      pc.onGatheringStateChange((state) => {
        if (state === "complete") resolve(loopbackOnly(pc.localDescription().sdp));
      });
    }),
    "ICE gathering",
  );
}

const ndcConfig = (opts) => ({
  iceServers: [],
  bindAddress: LOOPBACK,
  enableIceUdpMux: Boolean(opts.udpMux),
});

async function ndcOfferer(opts) {
  const { PeerConnection } = await ndc();
  const pc = new PeerConnection("offerer", ndcConfig(opts));
  const offer = ndcGathered(pc);
  const dc = pc.createDataChannel(CHANNEL.label, { unordered: true, maxRetransmits: CHANNEL.maxRetransmits });
  const channel = withTimeout(
    new Promise((resolve) => dc.onOpen(() => resolve(ndcChannel(dc)))),
    "channel open",
  );
  return {
    offer,
    accept: async (sdp) => pc.setRemoteDescription(loopbackOnly(sdp), "answer"),
    channel,
    close: () => {
      try {
        dc.close();
        pc.close();
      } catch {}
    },
  };
}

async function ndcAnswerer(offerSdp, opts) {
  const { PeerConnection } = await ndc();
  const pc = new PeerConnection("answerer", ndcConfig(opts));
  const answer = ndcGathered(pc);
  const channel = withTimeout(
    new Promise((resolve) => pc.onDataChannel((dc) => resolve(ndcChannel(dc)))),
    "remote channel",
  );
  pc.setRemoteDescription(loopbackOnly(offerSdp), "offer");
  return {
    answer,
    channel,
    close: () => {
      try {
        pc.close();
      } catch {}
    },
  };
}

// ---- werift ---------------------------------------------------------------------------------

let weriftModule = null;
async function werift() {
  weriftModule ??= await import("werift");
  return weriftModule;
}

const weriftConfig = () => ({
  iceServers: [],
  iceInterfaceAddresses: { udp4: LOOPBACK },
  iceAdditionalHostAddresses: [LOOPBACK],
  iceUseIpv6: false,
  iceUseTcp: false,
  iceTcpPassive: false,
});

function weriftChannel(dc) {
  let closed = false;
  const onClose = [];
  dc.stateChanged.subscribe((s) => {
    if (s === "closed" && !closed) {
      closed = true;
      for (const cb of onClose) cb();
    }
  });
  return {
    send: (bytes) => {
      if (dc.readyState === "open") dc.send(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes));
    },
    onMessage: (cb) => dc.onMessage.subscribe((m) => typeof m !== "string" && cb(m)),
    onClose: (cb) => onClose.push(cb),
    isOpen: () => dc.readyState === "open",
  };
}

async function weriftGathered(pc) {
  if (pc.iceGatheringState !== "complete") {
    await withTimeout(
      new Promise((resolve) =>
        pc.iceGatheringStateChange.subscribe((s) => {
          if (s === "complete") resolve();
        }),
      ),
      "ICE gathering",
    );
  }
  return loopbackOnly(pc.localDescription.sdp);
}

async function weriftOfferer() {
  const { RTCPeerConnection } = await werift();
  const pc = new RTCPeerConnection(weriftConfig());
  const dc = pc.createDataChannel(CHANNEL.label, {
    ordered: CHANNEL.ordered,
    maxRetransmits: CHANNEL.maxRetransmits,
  });
  const channel = withTimeout(
    new Promise((resolve) =>
      dc.stateChanged.subscribe((s) => {
        if (s === "open") resolve(weriftChannel(dc));
      }),
    ),
    "channel open",
  );
  const offer = (async () => {
    await pc.setLocalDescription(await pc.createOffer());
    return weriftGathered(pc);
  })();
  return {
    offer,
    accept: (sdp) => pc.setRemoteDescription({ type: "answer", sdp: loopbackOnly(sdp) }),
    channel,
    close: () => pc.close().catch(() => undefined),
  };
}

async function weriftAnswerer(offerSdp) {
  const { RTCPeerConnection } = await werift();
  const pc = new RTCPeerConnection(weriftConfig());
  const channel = withTimeout(
    new Promise((resolve) =>
      pc.onDataChannel.subscribe((dc) => {
        const ready = () => resolve(weriftChannel(dc));
        if (dc.readyState === "open") ready();
        else
          dc.stateChanged.subscribe((s) => {
            if (s === "open") ready();
          });
      }),
    ),
    "remote channel",
  );
  const answer = (async () => {
    await pc.setRemoteDescription({ type: "offer", sdp: loopbackOnly(offerSdp) });
    await pc.setLocalDescription(await pc.createAnswer());
    return weriftGathered(pc);
  })();
  return { answer, channel, close: () => pc.close().catch(() => undefined) };
}

// ---- choice ---------------------------------------------------------------------------------

export const LIBS = ["ndc", "werift"];

/**
 * The offering side: creates the unordered, unreliable "audio" channel.
 * @param {"ndc" | "werift"} lib
 * @param {{ udpMux?: boolean }} [opts]  udpMux (ndc only): all connections share one UDP port
 * @returns {Promise<Offerer>}
 */
export function offerer(lib, opts = {}) {
  return lib === "werift" ? weriftOfferer(opts) : ndcOfferer(opts);
}

/**
 * The answering side for one offer.
 * @param {"ndc" | "werift"} lib
 * @param {string} offerSdp
 * @param {{ udpMux?: boolean }} [opts]
 * @returns {Promise<Answerer>}
 */
export function answerer(lib, offerSdp, opts = {}) {
  return lib === "werift" ? weriftAnswerer(offerSdp, opts) : ndcAnswerer(offerSdp, opts);
}
