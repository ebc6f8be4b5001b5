// Measures a page's audio from the outside: `installProbe` is injected with `page.addInitScript`
// before the app loads, so it works with any build of the web client that uses Web Audio.
//
// - Every AudioContext gets a measuring AudioWorklet (registered from a Blob URL) that records
//   the mono signal it sees, downsampled to 8 kHz (box average of 6 samples), in batches tagged
//   with the context frame of their first sample.
// - role "mouth": `createMediaStreamSource` is wrapped so each microphone source also feeds the
//   meter (meter → muted gain → destination, so it is pulled): the signal as it enters the capture
//   graph, after the browser's own processing (echo cancellation, AGC, noise suppression).
// - role "ear": `AudioNode.prototype.connect`/`disconnect` are wrapped so whatever is connected to
//   a context's destination goes to a collector gain instead, and collector → meter (pass-through)
//   → destination: the signal as it leaves for the speaker.
// - Every 100 ms the page samples clock pairs: `getOutputTimestamp()` (contextTime ↔
//   performanceTime) and (currentTime, performance.now()), plus baseLatency/outputLatency, so the
//   bench can turn context frames into wall time (`performance.timeOrigin + performance.now()`,
//   one clock for every page on this machine).
//
// The page side is `window.__linkProbe`: `reset()` starts a new recording; `take()` returns it
// (PCM as base64 of 16-bit samples) and the clock pairs since the reset, of the context that
// carried the most signal if the build uses several. Recordings are bounded (`maxS` seconds, then
// later batches are ignored).

/** Injected into the page (serialised by Playwright: no closures over module scope). */
export function installProbe({ role, maxS }) {
  const DECIM = 6;
  const workletSource = `
    class LinkMeter extends AudioWorkletProcessor {
      constructor(o) {
        super();
        this.dec = ${DECIM};
        this.batch = new Float32Array(8000 / 10 + 64);
        this.n = 0;
        this.acc = 0;
        this.k = 0;
        this.batchFrame = -1;
      }
      process(inputs, outputs) {
        const input = inputs[0];
        const out = outputs[0];
        const len = out && out[0] ? out[0].length : 128;
        for (let c = 0; c < (out ? out.length : 0); c++) {
          const src = input && input[c] ? input[c] : input && input[0];
          if (src) out[c].set(src);
        }
        const ch = input && input[0];
        if (this.batchFrame < 0) this.batchFrame = currentFrame;
        for (let i = 0; i < len; i++) {
          this.acc += ch ? ch[i] : 0;
          if (++this.k === this.dec) {
            this.batch[this.n++] = this.acc / this.dec;
            this.acc = 0;
            this.k = 0;
          }
        }
        if (this.n >= 800) {
          this.port.postMessage({ frame: this.batchFrame, pcm: this.batch.slice(0, this.n) });
          this.n = 0;
          this.batchFrame = currentFrame + len - this.k;
        }
        return true;
      }
    }
    registerProcessor("link-meter", LinkMeter);
  `;
  const moduleUrl = URL.createObjectURL(new Blob([workletSource], { type: "text/javascript" }));
  const origConnect = AudioNode.prototype.connect;
  const origDisconnect = AudioNode.prototype.disconnect;
  const Orig = window.AudioContext;
  if (!Orig) return;
  /** One meter per real-time AudioContext (a build may use more than one). */
  const meters = new Map();
  /** How often the wrapped entry points ran (a build that bypasses them shows 0). */
  const hooked = { contexts: 0, sources: 0, toDestination: 0 };
  let errors = [];

  function meterFor(ctx) {
    let m = meters.get(ctx);
    if (m) return m;
    m = { ctx, meter: null, collector: null, ready: null, batches: [], samples: 0, energy: 0, clocks: [] };
    meters.set(ctx, m);
    if (role === "ear") {
      m.collector = ctx.createGain();
      origConnect.call(m.collector, ctx.destination);
    }
    m.ready = ctx.audioWorklet
      .addModule(moduleUrl)
      .then(() => {
        const meter = new AudioWorkletNode(ctx, "link-meter", {
          numberOfInputs: 1,
          numberOfOutputs: 1,
          outputChannelCount: [2],
          channelCount: 2,
          channelCountMode: "explicit",
        });
        meter.port.onmessage = (e) => {
          if (m.samples >= maxS * 8000) return;
          m.batches.push(e.data);
          m.samples += e.data.pcm.length;
          for (const v of e.data.pcm) m.energy += v * v;
        };
        if (role === "ear") {
          origDisconnect.call(m.collector);
          origConnect.call(m.collector, meter);
          origConnect.call(meter, ctx.destination);
        } else {
          const mute = ctx.createGain();
          mute.gain.value = 0;
          origConnect.call(meter, mute);
          origConnect.call(mute, ctx.destination);
        }
        m.meter = meter;
        return meter;
      })
      .catch((e) => {
        errors.push(String(e));
      });
    return m;
  }

  window.AudioContext = class extends Orig {
    constructor(...args) {
      super(...args);
      hooked.contexts++;
      meterFor(this);
    }
  };
  const ours = (node) => [...meters.values()].some((m) => m.collector === node || m.meter === node);

  if (role === "mouth") {
    const origSource = Orig.prototype.createMediaStreamSource;
    Orig.prototype.createMediaStreamSource = function (stream) {
      const src = origSource.call(this, stream);
      hooked.sources++;
      const m = meterFor(this);
      if (m.meter) origConnect.call(src, m.meter);
      else void m.ready.then((node) => node && origConnect.call(src, node));
      return src;
    };
  } else {
    // Only real-time contexts' destinations: an OfflineAudioContext renders to a buffer.
    const live = (dest) => dest instanceof AudioDestinationNode && dest.context instanceof Orig;
    AudioNode.prototype.connect = function (dest, ...rest) {
      if (live(dest) && !ours(this)) {
        hooked.toDestination++;
        origConnect.call(this, meterFor(dest.context).collector, ...rest);
        return dest;
      }
      return origConnect.call(this, dest, ...rest);
    };
    AudioNode.prototype.disconnect = function (dest, ...rest) {
      if (live(dest) && !ours(this))
        return origDisconnect.call(this, meterFor(dest.context).collector, ...rest);
      return origDisconnect.call(this, ...(dest === undefined ? [] : [dest, ...rest]));
    };
  }

  setInterval(() => {
    for (const m of meters.values()) {
      const ctx = m.ctx;
      if (ctx.state !== "running" || m.clocks.length >= maxS * 10) continue;
      const ts = ctx.getOutputTimestamp();
      m.clocks.push([
        ts.contextTime,
        ts.performanceTime,
        ctx.currentTime,
        performance.now(),
        ctx.baseLatency ?? 0,
        ctx.outputLatency ?? 0,
      ]);
    }
  }, 100);

  window.__linkProbe = {
    reset() {
      for (const m of meters.values()) {
        m.batches = [];
        m.samples = 0;
        m.energy = 0;
        m.clocks = [];
      }
      errors = [];
    },
    /** The recording of the context that carried the most signal since the reset. */
    take() {
      const all = [...meters.values()];
      const state = all.reduce((p, q) => (q.energy >= (p?.energy ?? -1) ? q : p), null) ?? {
        batches: [],
        clocks: [],
        ctx: null,
        meter: null,
      };
      const n = state.batches.reduce((a, b) => a + b.pcm.length, 0);
      const pcm = new Int16Array(n);
      const starts = [];
      let o = 0;
      for (const b of state.batches) {
        starts.push([b.frame, o]);
        for (let i = 0; i < b.pcm.length; i++)
          pcm[o++] = Math.max(-32768, Math.min(32767, Math.round(b.pcm[i] * 32767)));
      }
      let bin = "";
      const bytes = new Uint8Array(pcm.buffer);
      for (let i = 0; i < bytes.length; i += 0x8000)
        bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return {
        role,
        timeOrigin: performance.timeOrigin,
        sampleRate: state.ctx?.sampleRate ?? 48_000,
        decimation: DECIM,
        starts,
        pcm: btoa(bin),
        clocks: state.clocks,
        errors,
        contexts: all.length,
        metered: Boolean(state.meter),
        hooked: { ...hooked },
      };
    },
  };
}
