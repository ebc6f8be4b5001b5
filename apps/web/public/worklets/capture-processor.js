// AudioWorklet processor: downmixes the microphone to mono and posts 20 ms blocks (960 samples
// at the context's 48 kHz) to the main thread, plus the block's RMS level for the meter.
// Plain JS in public/ so the browser loads it as-is with audioWorklet.addModule().
class CaptureProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.size = options?.processorOptions?.frameSamples || 960;
    this.buf = new Float32Array(this.size);
    this.fill = 0;
    this.active = true;
    this.port.onmessage = (e) => {
      if (e.data === "stop") this.active = false;
    };
  }

  process(inputs) {
    const input = inputs[0];
    if (!this.active) return false;
    if (!input || input.length === 0) return true;
    const n = input[0].length;
    const chans = input.length;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < chans; c++) s += input[c][i];
      this.buf[this.fill++] = s / chans;
      if (this.fill === this.size) {
        let sum = 0;
        for (let k = 0; k < this.size; k++) sum += this.buf[k] * this.buf[k];
        const out = this.buf;
        this.port.postMessage({ pcm: out, rms: Math.sqrt(sum / this.size) }, [out.buffer]);
        this.buf = new Float32Array(this.size);
        this.fill = 0;
      }
    }
    return true;
  }
}

registerProcessor("won-capture", CaptureProcessor);
