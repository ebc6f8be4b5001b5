/**
 * Limits shared by the server and its clients. The server enforces them; clients use them to
 * validate before sending. Sizes are in bytes, times in milliseconds.
 */
export const LIMITS = {
  usernameMin: 3,
  usernameMax: 32,
  passwordMin: 8,
  /** argon2 cost grows with input; beyond this a password is certainly not typed by a person. */
  passwordMax: 256,
  displayNameMax: 64,
  emailMax: 254,
  nameMax: 100,
  descriptionMax: 2_000,
  messageBodyMax: 4_000,
  clientIdMax: 64,
  inviteCodeLength: 8,
  /** Password reset codes: 10 characters of {@link RESET_CODE_ALPHABET}, about 49.5 bits. */
  resetCodeLength: 10,
  /** How long a password reset code stays valid. */
  resetCodeTtlMs: 30 * 60_000,
  historyPageMax: 200,
  /** `subscribe` with `sinceSeq` replays at most this many messages, then `resync.truncated`. */
  resyncMax: 200,
  /** The first socket message must be `auth` within this time, or the socket is closed 4408. */
  authTimeoutMs: 5_000,
  /** Largest text frame accepted on the socket. */
  socketTextMax: 16 * 1024,
  /** Largest frame of any kind; bigger frames close the socket (1009). */
  socketFrameMax: 64 * 1024,
  /** Opus packets are 1..1275 bytes (RFC 6716 §3.4). */
  opusPacketMax: 1_275,
  audioHeaderBytes: 8,
  /**
   * Audio one frame's Opus packet may hold, in ms: the frame duration its TOC byte names times
   * its frame count (RFC 6716 §3.1–3.2). 20 ms is the default; 40 and 60 ms leave room to adapt
   * the frame size to a slow link. Anything else (2.5–10 ms, which would outrun the per-socket
   * frame rate, or 80–120 ms) is refused with
   * `invalid_frame`: the server caps transmissions by this declared audio, and these bounds
   * keep a packet's claim close to the pace of speech.
   */
  audioPacketMs: [20, 40, 60],
  defaultAudioPacketMs: 20,
  defaultMaxTransmissionMs: 60_000,
  heartbeatMs: 25_000,
} as const;

/** Alphabet for invite codes: no 0/O, 1/I/L, so a code read aloud or off a badge is unambiguous. */
export const INVITE_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/** Alphabet for password reset codes: the invite code alphabet, for the same reason. */
export const RESET_CODE_ALPHABET = INVITE_CODE_ALPHABET;
