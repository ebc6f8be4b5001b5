/**
 * Frames a binary WebSocket message once (RFC 6455 §5.2: FIN, opcode 0x2, unmasked as every
 * server frame is), so the relay can write the same bytes to every listener's socket instead of
 * having `ws` build a header and issue a write per listener.
 */
export function frameBinary(payload: Uint8Array): Buffer {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const out = Buffer.allocUnsafe(head + n);
  out[0] = 0x82;
  if (n < 126) {
    out[1] = n;
  } else if (n < 65_536) {
    out[1] = 126;
    out.writeUInt16BE(n, 2);
  } else {
    out[1] = 127;
    out.writeUInt32BE(0, 2);
    out.writeUInt32BE(n, 6);
  }
  out.set(payload, head);
  return out;
}
